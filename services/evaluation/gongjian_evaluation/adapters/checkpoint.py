"""State checkpoints: the pickled state in chunks, so a restart replays only the recent journal."""

from __future__ import annotations

import pickle
import zlib
from typing import Any

from bson import Binary

from .store import CHECKPOINTS, JOURNAL

CHUNK = 8 * 1024 * 1024
HEAD = "checkpoint"


async def write(db: Any, state: Any, seq: int) -> None:
    """Chunks first, head last: a crash half-way leaves the previous checkpoint in force."""
    blob = zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), 1)
    head = await db[CHECKPOINTS].find_one({"_id": HEAD})
    generation = (head or {}).get("generation", 0) + 1
    chunks = [blob[i:i + CHUNK] for i in range(0, len(blob), CHUNK)] or [b""]
    await db[CHECKPOINTS].insert_many([{"_id": f"g{generation}:{i}", "data": Binary(c)} for i, c in enumerate(chunks)])
    await db[CHECKPOINTS].replace_one({"_id": HEAD}, {"_id": HEAD, "generation": generation, "seq": seq,
                                                      "chunks": len(chunks)}, upsert=True)
    if head:
        await db[CHECKPOINTS].delete_many({"_id": {"$in": [f"g{head['generation']}:{i}"
                                                           for i in range(head["chunks"])]}})
    # Journal documents covered by the checkpoint go, unless their events still wait for the relay.
    from .journal import relay_position

    await db[JOURNAL].delete_many({"seq": {"$lte": min(seq, await relay_position(db))}})


async def read(db: Any) -> tuple[Any, int] | None:
    head = await db[CHECKPOINTS].find_one({"_id": HEAD})
    if head is None:
        return None
    blob = b"".join([(await db[CHECKPOINTS].find_one({"_id": f"g{head['generation']}:{i}"}))["data"]
                     for i in range(head["chunks"])])
    return pickle.loads(zlib.decompress(blob)), int(head["seq"])


async def clear(db: Any) -> None:
    await db[CHECKPOINTS].delete_many({})
