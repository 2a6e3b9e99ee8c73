"""The journal: one totally ordered log of applied batches and commands, shared by every instance.

Document ``seq`` has ``_id`` = the zero-padded seq. An instance appends seq = last seq it has
read + 1 with a plain insert: the unique ``_id`` lets exactly one instance write each seq, and
the others get DuplicateKeyError, read what was written, and try again (optimistic append).
Documents are never updated except for the ``relayed`` flag that the relay sets once their
outgoing events are on Kafka.

Events and outgoing events (outbox) are stored as one zlib-compressed JSON blob: FerretDB
stores documents as JSON text, and a compact blob costs a fraction of the same data as fields.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta
from typing import Any

from bson import Binary
from gongjian_shared.envelope import utc_now

from .store import JOURNAL


def journal_id(seq: int) -> str:
    return f"{seq:012d}"  # a string _id: FerretDB looks those up by index, numbers it scans for


def encode(seq: int, *, events: list[dict[str, Any]], outbox: list[dict[str, Any]],
           applied: dict[str, int], commands: list[str]) -> dict[str, Any]:
    body = json.dumps({"events": events, "outbox": outbox}, ensure_ascii=False, separators=(",", ":"))
    return {"_id": journal_id(seq), "seq": seq, "n": len(events), "awards": len(outbox),
            # offsets as a list: topic names hold dots, which FerretDB refuses in keys
            "applied": [{"tp": k, "offset": v} for k, v in sorted(applied.items())], "commands": commands,
            "relayed": not outbox, "at": utc_now(), "blob": Binary(zlib.compress(body.encode(), 1))}


def decode(doc: dict[str, Any]) -> dict[str, Any]:
    body = json.loads(zlib.decompress(doc["blob"]))
    return {"seq": int(doc["seq"]), "events": body["events"], "outbox": body["outbox"],
            "applied": {a["tp"]: int(a["offset"]) for a in doc.get("applied", [])},
            "commands": doc.get("commands", [])}


async def after(db: Any, seq: int) -> list[dict[str, Any]]:
    """Every document after ``seq``, in order (by ``_id``, the index every server has)."""
    docs = await db[JOURNAL].find({"_id": {"$gt": journal_id(seq)}}).sort("_id", 1).to_list(None)
    return [decode(d) for d in docs]


async def unrelayed(db: Any, written_before: datetime | None = None) -> list[dict[str, Any]]:
    """Documents whose outgoing events may not be on Kafka yet (a writer died before publishing)."""
    query: dict[str, Any] = {"relayed": False}
    if written_before is not None:
        query["at"] = {"$lt": written_before}
    return [decode(d) for d in await db[JOURNAL].find(query).sort("_id", 1).to_list(None)]


async def mark_relayed(db: Any, seq: int) -> None:
    await db[JOURNAL].update_one({"_id": journal_id(seq)}, {"$set": {"relayed": True}})


async def prune(db: Any, below: int, keep_for: timedelta) -> None:
    """Drop documents a checkpoint covers, once relayed and older than ``keep_for``.

    The document at ``below`` itself stays: an instance that lags behind then finds a gap
    after its position (and reloads from the checkpoint) instead of an empty journal.
    """
    await db[JOURNAL].delete_many({"seq": {"$lt": below}, "relayed": True, "at": {"$lt": utc_now() - keep_for}})
