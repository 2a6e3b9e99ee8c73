"""Versioned aggregates: every change is a journal entry with a unique id, then applied.

Why not one conditional update? FerretDB 1.24 on SQLite reads, modifies and writes a
document in separate steps: concurrent updates of one document are lost silently (200
concurrent $inc leave it at ~14), and the outbox relay's $pullAll on a document races
with the next state change. Inserts under a unique key ARE atomic. So:

- A change to aggregate X at version v inserts journal entry (X, v+1) with its changes
  and its pending events. A unique index on (aggregate, seq) lets exactly one change win
  from version v; the others get a conflict (None) and re-read. Then the document is set
  to version v+1. Entry ids are ObjectIds, so id order is the order of writing: the
  relay, which fetches hinted entries by id, publishes a demand's events in order.
- Events ride on the journal entry (an outbox collection), never on the state document,
  so the relay only ever touches documents nobody else modifies.
- A process that dies between the two writes leaves an entry ahead of the document; the
  next change of X meets the conflict and rolls the document forward first.
The journal is also the audit trail (服务台账) of every demand, claim and suggestion.

Demands are counted for the list totals here, the one place every change of one passes
(adapters/count_markers.py): an entry that creates a demand or changes its kind, status or
category carries ``counting: true`` until the demand is restaged; an entry a crash left flagged
is restaged by the repair (service/count_repair.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import bson
from bson import ObjectId
from gongjian_shared.envelope import CloudEvent, utc_now
from gongjian_shared.outbox import outbox_entries, outbox_fields
from pymongo.errors import DuplicateKeyError

from ..domain.counts import touches_key
from . import count_markers
from .store import DEMANDS, JOURNAL

Events = Iterable[tuple[str, list[CloudEvent]]]  # (topic, events)


def _outbox(events: Events) -> list[dict[str, Any]]:
    return [entry for topic, evs in events for entry in outbox_entries(topic, evs)]


def _pairs(changes: dict[str, Any]) -> list[dict[str, Any]]:
    # Dotted paths cannot be keys in FerretDB, nor arrays nest: a list of {p, v}.
    return [{"p": path, "v": value} for path, value in changes.items()]


def _counting(collection: str, changes: Iterable[str] | None) -> dict[str, Any]:
    """The flag of an entry whose demand must be restaged (``changes`` None: a creation)."""
    counted = collection == DEMANDS and (changes is None or touches_key(changes))
    return {"counting": True} if counted else {}


async def _counted(db: Any, entry_id: Any, flag: dict[str, Any], doc: dict[str, Any] | None) -> None:
    """Restage the demand of a flagged entry (``doc`` as just written); clear the flag once counted."""
    if flag and doc is not None and await count_markers.restage(db, doc["_id"], doc=doc):
        await db[JOURNAL].update_one({"_id": entry_id}, {"$unset": {"counting": ""}})


async def create(runtime: Any, collection: str, doc: dict[str, Any], events: Events = ()) -> dict[str, Any]:
    """Insert a new aggregate at version 0; DuplicateKeyError if its id was used."""
    doc = {**doc, "v": 0}
    entry_id, flag = ObjectId(), _counting(collection, None)
    await runtime.db[JOURNAL].insert_one({"_id": entry_id, "aggregate": doc["_id"], "coll": collection, "seq": 0,
                                          "create": doc, **outbox_fields(_outbox(events)), "at": utc_now(), **flag})
    try:
        await runtime.db[collection].insert_one(doc)
    except DuplicateKeyError:
        pass  # rolled forward by someone else already
    runtime.notify(JOURNAL, entry_id)
    await _counted(runtime.db, entry_id, flag, doc)
    return doc


async def change(runtime: Any, collection: str, doc: dict[str, Any], changes: dict[str, Any],
                 events: Events = ()) -> dict[str, Any] | None:
    """Apply ``changes`` ($set paths) to ``doc`` as read; None if another change came first."""
    version = doc.get("v", 0) + 1
    entry_id, flag = ObjectId(), _counting(collection, changes)
    try:
        await runtime.db[JOURNAL].insert_one({"_id": entry_id, "aggregate": doc["_id"], "coll": collection,
                                              "seq": version, "set": _pairs(changes), **outbox_fields(_outbox(events)),
                                              "at": utc_now(), **flag})
    except DuplicateKeyError:
        await roll_forward(runtime.db, collection, doc["_id"])
        return None
    await runtime.db[collection].update_one({"_id": doc["_id"], "v": version - 1},
                                            {"$set": {**changes, "v": version}})
    runtime.notify(JOURNAL, entry_id)
    done = await runtime.db[collection].find_one({"_id": doc["_id"]})
    await _counted(runtime.db, entry_id, flag, done)
    return done


def created_doc(db: Any, entry: dict[str, Any]) -> dict[str, Any]:
    """The document a creating entry made: a sub-document, or its BSON bytes (bulk writes store
    it so: FerretDB converts a nested document several times slower than one binary value)."""
    doc = entry["create"]
    return bson.decode(doc, codec_options=db.codec_options) if isinstance(doc, bytes) else doc


async def roll_forward(db: Any, collection: str, aggregate_id: str) -> dict[str, Any] | None:
    """Apply journal entries the document has not caught up with (after a crash)."""
    doc = await db[collection].find_one({"_id": aggregate_id})
    version = doc["v"] if doc else -1
    pending = await db[JOURNAL].find({"aggregate": aggregate_id, "seq": {"$gt": version}}).sort("seq", 1).to_list(None)
    for entry in pending:
        if entry["seq"] == 0:
            try:
                await db[collection].insert_one(created_doc(db, entry))
            except DuplicateKeyError:
                pass
        else:
            changes = {pair["p"]: pair["v"] for pair in entry["set"]}
            await db[collection].update_one({"_id": aggregate_id, "v": entry["seq"] - 1},
                                            {"$set": {**changes, "v": entry["seq"]}})
    if pending and collection == DEMANDS:
        await count_markers.restage(db, aggregate_id)  # the flags stay: the repair clears them
    return await db[collection].find_one({"_id": aggregate_id}) if pending else doc


async def load(db: Any, collection: str, aggregate_id: str, projection: dict[str, Any] | None = None) -> Any:
    """The document; if missing but created in the journal (a crash in between), rolled forward."""
    doc = await db[collection].find_one({"_id": aggregate_id}, projection)
    if doc is None and await created(db, aggregate_id):
        await roll_forward(db, collection, aggregate_id)
        doc = await db[collection].find_one({"_id": aggregate_id}, projection)
    return doc


async def created(db: Any, aggregate_id: str) -> bool:
    """Is the aggregate's creation journalled (its document may still be on its way)?"""
    return await db[JOURNAL].find_one({"aggregate": aggregate_id, "seq": 0}, {"_id": 1}) is not None


async def history(db: Any, aggregate_id: str) -> list[dict[str, Any]]:
    entries = await db[JOURNAL].find({"aggregate": aggregate_id}, {"outbox": 0, "outbox_pending": 0, "create": 0}) \
        .sort("seq", 1).to_list(None)
    return [{"seq": e["seq"], "at": e["at"], "changes": {p["p"]: p["v"] for p in e.get("set") or []}}
            for e in entries]
