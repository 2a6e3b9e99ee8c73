"""State checkpoints: the pickled state in chunks, so a (re)start replays only the recent journal.

Any instance may write one; the head document moves forward only (a conditional update on its
seq), so two instances checkpointing at once leave the newer one in force and nothing torn.
"""

from __future__ import annotations

import pickle
import uuid
import zlib
from datetime import timedelta
from typing import Any

from bson import Binary
from pymongo.errors import DuplicateKeyError

from . import journal
from .store import CHECKPOINTS

CHUNK = 8 * 1024 * 1024
HEAD = "checkpoint"
JOURNAL_KEPT = timedelta(seconds=60)  # covered journal documents stay this long for lagging instances


class Torn(Exception):
    """A chunk vanished while reading (a newer checkpoint replaced it): read again."""


async def write(db: Any, state: Any, seq: int, *, replace_equal: bool = False) -> bool:
    """Chunks first, head last: a crash half-way leaves the previous checkpoint in force.

    Returns False when a checkpoint after ``seq`` (or at it, unless ``replace_equal``: a rebuild)
    is already in force; ours is dropped then.
    """
    blob = zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), 1)
    generation = f"{seq}-{uuid.uuid4().hex[:8]}"
    chunks = [blob[i:i + CHUNK] for i in range(0, len(blob), CHUNK)] or [b""]
    ids = [f"g{generation}:{i}" for i in range(len(chunks))]
    await db[CHECKPOINTS].insert_many([{"_id": i, "data": Binary(c)} for i, c in zip(ids, chunks, strict=True)])
    head = {"generation": generation, "seq": seq, "chunks": len(chunks)}
    old = await db[CHECKPOINTS].find_one_and_update({"_id": HEAD, "seq": {"$lte" if replace_equal else "$lt": seq}}, {"$set": head})
    if old is None:
        try:
            await db[CHECKPOINTS].insert_one({"_id": HEAD, **head})
        except DuplicateKeyError:  # a checkpoint at or after seq is in force
            await db[CHECKPOINTS].delete_many({"_id": {"$in": ids}})
            return False
    else:
        await db[CHECKPOINTS].delete_many({"_id": {"$in": [f"g{old['generation']}:{i}"
                                                           for i in range(old["chunks"])]}})
    await journal.prune(db, seq, JOURNAL_KEPT)
    return True


async def read(db: Any) -> tuple[Any, int] | None:
    head = await db[CHECKPOINTS].find_one({"_id": HEAD})
    if head is None:
        return None
    parts = []
    for i in range(head["chunks"]):
        found = await db[CHECKPOINTS].find_one({"_id": f"g{head['generation']}:{i}"})
        if found is None:
            raise Torn(head["generation"])
        parts.append(found["data"])
    return pickle.loads(zlib.decompress(b"".join(parts))), int(head["seq"])


async def clear(db: Any) -> None:
    await db[CHECKPOINTS].delete_many({})
