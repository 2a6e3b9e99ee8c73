"""Events of bulk imports: staged per batch, published directly, recovered after a crash.

Why not the per-document outbox + relay here: on FerretDB/SQLite the relay's
``find({_id: {$in: ids}})`` is a full collection scan per 500 ids (only a single
``{_id: value}`` filter is pushed down), and its ``bulk_write`` of one ``$pullAll`` per
document deadlocks FerretDB 1.24 at about 100 statements. So a batch of N documents gets
ONE staging document holding its N events, written BEFORE the documents themselves:

1. insert ``import_batches/<batch>`` with the staged events and the job id;
2. ``insert_many`` the documents (ordered=False; existing ids are skipped);
3. publish the events of the documents that were inserted (idempotent producer);
4. delete the staging document.

A crash between 1 and 4 leaves the staging document; ``recover`` (at start-up) publishes
the events of those documents that exist and belong to that job, then deletes it. So an
event is published at least once for every written document, and never for one that
was not written.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pymongo.errors import BulkWriteError

from gongjian_shared.envelope import CONTENT_TYPE, CloudEvent
from gongjian_shared.tracing import carrier, record_headers

from ..adapters.store import IMPORT_BATCHES

log = logging.getLogger("gongjian.registry.import")
DUPLICATE_KEY = 11000


def _records(runtime: Any, staged: list[tuple[str, str, bytes]]) -> list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]]:
    # Published from the import request itself: its trace context rides along (none on recovery).
    header = [("content-type", CONTENT_TYPE.encode()), *record_headers(carrier())]
    return [(runtime.settings.topic(topic), subject.encode(), value, header) for topic, subject, value in staged]


def _pack(staged: list[tuple[str, str, bytes]]) -> str:
    # One JSON string, not thousands of sub-documents: FerretDB converts nested
    # documents slowly, and the staging document is written and deleted once per batch.
    return json.dumps([[t, s, v.decode()] for t, s, v in staged], ensure_ascii=False)


def _unpack(packed: str) -> list[tuple[str, str, bytes]]:
    return [(t, s, v.encode()) for t, s, v in json.loads(packed)]


async def write_batch(runtime: Any, *, batch_id: str, job_id: str, collection: str, docs: list[dict[str, Any]],
                      topic: str, events: list[CloudEvent]) -> tuple[set[str], set[str]]:
    """Insert ``docs`` (events[i] belongs to docs[i]); returns (inserted ids, existing ids)."""
    db = runtime.db
    staged = [(topic, ev.subject, ev.to_bytes()) for ev in events]
    await db[IMPORT_BATCHES].insert_one({"_id": batch_id, "job_id": job_id, "collection": collection,
                                         "staged": _pack(staged)})
    existing: set[str] = set()
    try:
        await db[collection].insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        others = [e for e in exc.details.get("writeErrors", []) if e.get("code") != DUPLICATE_KEY]
        if others:
            raise
        existing = {docs[e["index"]]["_id"] for e in exc.details["writeErrors"]}
    inserted = {d["_id"] for d in docs} - existing
    await runtime.producer.publish_raw(_records(runtime, [s for s in staged if s[1] in inserted]))
    await db[IMPORT_BATCHES].delete_one({"_id": batch_id})
    return inserted, existing


async def recover(runtime: Any) -> int:
    """Publish what a crashed import left staged (start-up hook); returns events published."""
    db = runtime.db
    published = 0
    async for batch in db[IMPORT_BATCHES].find({}):
        live = []
        for entry in _unpack(batch.get("staged") or "[]"):
            doc = await db[batch["collection"]].find_one({"_id": entry[1]}, {"import_job": 1})
            if doc is not None and doc.get("import_job") == batch["job_id"]:
                live.append(entry)
        await runtime.producer.publish_raw(_records(runtime, live))
        await db[IMPORT_BATCHES].delete_one({"_id": batch["_id"]})
        published += len(live)
        log.warning("recovered import batch %s: %d events published", batch["_id"], len(live))
    return published
