"""Fixed-window counters in MongoDB: one atomic ``$inc`` per hit, shared by all instances."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from .store import LIMITS


async def hit(db: Any, scope: str, key: str, *, limit: int, window_s: int) -> int | None:
    """Count one hit of ``key`` in ``scope``; seconds to wait when over ``limit``, else None."""
    now = time.time()
    start = int(now // window_s) * window_s
    doc_id = f"{scope}|{key}|{start}"
    update = {"$inc": {"n": 1}, "$setOnInsert": {"expires_at": datetime.fromtimestamp(start + window_s, UTC)}}
    for _ in range(2):  # two first hits at once: one upsert loses on the unique _id, then it increments
        try:
            doc = await db[LIMITS].find_one_and_update({"_id": doc_id}, update, upsert=True,
                                                       return_document=ReturnDocument.AFTER)
            break
        except DuplicateKeyError:
            continue
    else:
        return 1
    if doc["n"] > limit:
        return max(1, math.ceil(start + window_s - now))
    return None
