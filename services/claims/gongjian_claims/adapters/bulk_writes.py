"""Many new aggregates at once: journal entries and documents by ``insert_many``, their events
published by the writer itself through one staged batch (bulk publishing, service/bulk_publish.py).

Why not the journal entries' own outbox here: clearing it after publishing is one update per
entry, and FerretDB 1.24 applies an ``update_many`` document by document — about 0.1 s each on a
loaded machine, ten times the rest of the write. So, as the registry's imports do, a batch of N
entries gets ONE staging document holding their events, written BEFORE the entries:

1. insert ``bulk_batches/<id>`` with the events (one JSON string);
2. ``insert_many`` the journal entries (no pending events on them), then the documents;
3. publish the events of the entries that were new (idempotent producer);
4. delete the staging document.

A crash between 1 and 4 leaves the staging document; ``recover`` (at start-up) publishes the
events whose journal entry exists, then deletes it: at least once for every written change,
never for one that was not written; consumers de-duplicate on the event id. New demands are
counted for the list totals (adapters/count_batches.py) before step 4, and again by ``recover``
(a demand counted already is skipped). Entries that already
existed (a re-run of the same rows) are neither written nor published again.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import bson
from bson import Binary, ObjectId
from gongjian_shared.envelope import CloudEvent, utc_now
from gongjian_shared.mongo import IN_CHUNK
from gongjian_shared.outbox import event_record, outbox_entries
from ..domain.counts import PROJECTION
from . import count_batches
from .inserts import insert_new
from .store import BULK_BATCHES, DEMANDS, JOURNAL

log = logging.getLogger("gongjian.claims.bulk")


def creation(collection: str, doc: dict[str, Any], topic: str, event: CloudEvent) -> dict[str, Any]:
    """The journal entry creating ``doc`` (version 0) with its one event pending."""
    return {"_id": ObjectId(), "aggregate": doc["_id"], "coll": collection, "seq": 0, "create": doc,
            "outbox": outbox_entries(topic, [event]), "at": utc_now()}


async def _publish(runtime: Any, staged: list[list[Any]]) -> None:
    """``staged``: [aggregate id, outbox entry] pairs. The entry's event is already the envelope's
    JSON form (``CloudEvent.to_dict``): serialised as it is, not validated again (a third of the
    request's CPU at 2,000 rows)."""
    records = [event_record(runtime.settings.topic_prefix, entry) for _, entry in staged]
    if records:
        await runtime.producer.publish_raw(records)


async def create_all(runtime: Any, entries: list[dict[str, Any]]) -> dict[str, int]:
    """Write the entries, then their documents (per collection, in the entries' order), then publish
    their events; returns how many were new per collection.

    One call for all the aggregates of a request: one staging document, one ``insert_many`` of the
    journal entries and one publish, whatever the number of collections."""
    db = runtime.db
    staged = [[e["aggregate"], pending] for e in entries for pending in e["outbox"]]
    batch_id = ObjectId()
    await db[BULK_BATCHES].insert_one({"_id": batch_id, "staged": json.dumps(staged, ensure_ascii=False)})
    existing = await insert_new(db, JOURNAL, [  # the created document as BSON bytes (journal.created_doc)
        {**e, "outbox": [], "create": Binary(bson.encode(e["create"]))} for e in entries])
    by_collection: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:  # documents of existing entries too: a crash may have come in between
        by_collection.setdefault(entry["coll"], []).append(entry["create"])
    for collection, docs in by_collection.items():
        await insert_new(db, collection, docs)
        if collection == DEMANDS:  # counted before the staging goes: ``recover`` counts what a crash left
            await count_batches.count_new(db, docs)
    fresh = {e["aggregate"] for i, e in enumerate(entries) if i not in existing}
    await _publish(runtime, [s for s in staged if s[0] in fresh])
    await db[BULK_BATCHES].delete_one({"_id": batch_id})
    new = dict.fromkeys(by_collection, 0)
    for i, entry in enumerate(entries):
        new[entry["coll"]] += i not in existing
    return new


async def _count(db: Any, ids: list[str]) -> None:
    """Count the demands among ``ids`` not counted yet (markers exist for the others)."""
    for i in range(0, len(ids), IN_CHUNK):
        await count_batches.count_new(db, await db[DEMANDS].find(
            {"_id": {"$in": ids[i:i + IN_CHUNK]}}, PROJECTION).to_list(None))


async def recover(runtime: Any) -> int:
    """Publish what a crashed bulk write left staged (start-up); returns events published."""
    db, published = runtime.db, 0
    async for batch in db[BULK_BATCHES].find({}):
        staged = json.loads(batch["staged"])
        ids = sorted({aggregate for aggregate, _ in staged})
        written: set[str] = set()
        for i in range(0, len(ids), IN_CHUNK):
            written |= {e["aggregate"] for e in await db[JOURNAL].find(
                {"aggregate": {"$in": ids[i:i + IN_CHUNK]}, "seq": 0}, {"aggregate": 1}).to_list(None)}
        live = [s for s in staged if s[0] in written]
        await _publish(runtime, live)
        await _count(db, sorted(written))
        await db[BULK_BATCHES].delete_one({"_id": batch["_id"]})
        published += len(live)
        log.warning("recovered bulk batch %s: %d events published", batch["_id"], len(live))
    return published
