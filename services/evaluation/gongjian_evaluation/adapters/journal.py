"""The journal: one document per applied batch or command, written once and never updated.

Its events and outgoing events (outbox) are stored as one zlib-compressed JSON blob: FerretDB
stores documents as JSON text, and a compact blob costs a fraction of the same data as fields.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from bson import Binary

from .store import JOURNAL

RELAY = "journal_relay"  # {_id: "position", seq}: the last journal document whose events are on Kafka


def journal_id(seq: int) -> str:
    return f"{seq:012d}"  # a string _id: FerretDB looks those up by index, numbers it scans for


def encode(seq: int, *, events: list[dict[str, Any]], outbox: list[dict[str, Any]],
           applied: dict[str, int], commands: list[str]) -> dict[str, Any]:
    body = json.dumps({"events": events, "outbox": outbox}, ensure_ascii=False, separators=(",", ":"))
    return {"_id": journal_id(seq), "seq": seq, "n": len(events), "awards": len(outbox),
            # offsets as a list: topic names hold dots, which FerretDB refuses in keys
            "applied": [{"tp": k, "offset": v} for k, v in sorted(applied.items())], "commands": commands,
            "blob": Binary(zlib.compress(body.encode(), 1))}


def decode(doc: dict[str, Any]) -> dict[str, Any]:
    body = json.loads(zlib.decompress(doc["blob"]))
    return {"seq": int(doc["seq"]), "events": body["events"], "outbox": body["outbox"],
            "applied": {a["tp"]: int(a["offset"]) for a in doc.get("applied", [])},
            "commands": doc.get("commands", [])}


async def after(db: Any, seq: int) -> list[dict[str, Any]]:
    return [decode(d) for d in await db[JOURNAL].find({"seq": {"$gt": seq}}).sort("seq", 1).to_list(None)]


async def relay_position(db: Any) -> int:
    doc = await db[RELAY].find_one({"_id": "position"})
    return int(doc["seq"]) if doc else 0


async def set_relay_position(db: Any, seq: int) -> None:
    await db[RELAY].update_one({"_id": "position"}, {"$max": {"seq": seq}}, upsert=True)
