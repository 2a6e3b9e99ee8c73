"""Counters in MongoDB shared by all instances: one atomic ``$inc`` per hit.

``hit`` counts in fixed clock windows; ``count``/``clear`` keep one counter per key whose
window opens at its first hit (sign-in failures and attempts).
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from gongjian_shared.localtime import now as current_time
from gongjian_shared.localtime import stored_utc
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


async def count(db: Any, scope: str, key: str, *, window_s: int) -> tuple[int, int]:
    """Add one to ``key``'s counter in ``scope``; (count, seconds until the counter ends).

    The window opens at the first hit (not at a clock boundary, so a burst across a boundary
    is still one burst) and lasts ``window_s``; an ended counter starts again at 1.
    """
    doc_id, now = f"{scope}|{key}", current_time()
    end = now + timedelta(seconds=window_s)
    live = {"_id": doc_id, "expires_at": {"$gt": now}}
    for _ in range(3):
        doc = await db[LIMITS].find_one_and_update(live, {"$inc": {"n": 1}}, return_document=ReturnDocument.AFTER)
        if doc is not None:
            return doc["n"], _seconds_until(doc["expires_at"], now)
        try:  # none yet, or an ended one: start afresh; a concurrent starter wins the unique _id
            await db[LIMITS].update_one({"_id": doc_id, "expires_at": {"$lte": now}},
                                        {"$set": {"n": 1, "expires_at": end}}, upsert=True)
            return 1, window_s
        except DuplicateKeyError:
            continue
    raise RuntimeError(f"rate counter {scope}: three lost start races in a row")  # pragma: no cover


async def clear(db: Any, scope: str, key: str) -> None:
    await db[LIMITS].delete_one({"_id": f"{scope}|{key}"})


def _seconds_until(at: datetime, now: datetime) -> int:
    return max(1, math.ceil((stored_utc(at) - now).total_seconds()))
