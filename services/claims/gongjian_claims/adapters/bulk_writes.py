"""Many new aggregates at once: journal entries and documents by ``insert_many``, their events
published by the writer itself (bulk publishing, service/bulk_publish.py).

The journal stays the outbox: an entry is inserted with its pending events before its
document, exactly as ``journal.create`` does one at a time. The writer then publishes the
events of the entries it inserted and clears them (one ``update_many`` per 500 ids). A crash
before the clearing leaves the events on their entries, where the relay's sweep finds and
publishes them: at least once, never lost; consumers de-duplicate on the event id. Entries
that already existed (a re-run of the same rows) are neither written nor published again.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from gongjian_shared.envelope import CloudEvent, utc_now
from gongjian_shared.outbox import FIELD, event_record, outbox_entries
from pymongo.errors import BulkWriteError

from .store import JOURNAL

DUPLICATE_KEY = 11000
CHUNK = 500  # ids per $in: what the patched FerretDB pushes down to its index


async def insert_new(db: Any, collection: str, docs: list[dict[str, Any]]) -> set[int]:
    """Insert ``docs``; returns the indexes of those that already existed (same unique key)."""
    if not docs:
        return set()
    try:
        await db[collection].insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        return {e["index"] for e in errors}
    return set()


def creation(collection: str, doc: dict[str, Any], topic: str, event: CloudEvent) -> dict[str, Any]:
    """The journal entry creating ``doc`` (version 0) with its one event pending."""
    return {"_id": ObjectId(), "aggregate": doc["_id"], "coll": collection, "seq": 0, "create": doc,
            "outbox": outbox_entries(topic, [event]), "at": utc_now()}


async def create_all(runtime: Any, entries: list[dict[str, Any]]) -> int:
    """Write the entries, then their documents, then publish their events; returns how many were new."""
    db = runtime.db
    existing = await insert_new(db, JOURNAL, entries)
    fresh = [e for i, e in enumerate(entries) if i not in existing]
    by_collection: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:  # documents of existing entries too: a crash may have come in between
        by_collection.setdefault(entry["coll"], []).append(entry["create"])
    for collection, docs in by_collection.items():
        await insert_new(db, collection, docs)
    records = [event_record(runtime.settings.topic_prefix, pending,
                            CloudEvent.model_validate(pending["event"]).to_bytes())
               for entry in fresh for pending in entry["outbox"]]
    if records:
        await runtime.producer.publish_raw(records)
    for i in range(0, len(fresh), CHUNK):
        ids = [e["_id"] for e in fresh[i:i + CHUNK]]
        await db[JOURNAL].update_many({"_id": {"$in": ids}}, {"$set": {FIELD: []}})
    return len(fresh)
