"""Transactional outbox inside the aggregate document.

A state change and the events it emits are ONE single-document update: the caller adds
``stage_events(update, topic, events)`` to its ``$set``; the relay later publishes the
pending events (idempotent producer, key = aggregate id) and only then removes them with
``$pullAll``. A crash anywhere publishes an event at least once and never loses it;
consumers de-duplicate on the event id.

Latency: the writer calls ``relay.notify(collection, ids)`` so the relay publishes those
documents at once; a sweep at start-up catches what a crash left, and a periodic one (every
``GONGJIAN_OUTBOX_SWEEP_S``, busy or not) what another instance left when it died: the
documents already pending at the previous sweep, so that N instances do not publish again what
their live writers are publishing. A document with entries carries ``outbox_pending: true``
(PENDING), which the periodic sweep and /metrics find through an index instead of reading the
whole collection; services hide it from their responses like the outbox itself. Bulk imports of many new documents may
publish through their own staged batches instead (see the registry's batch outbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterable
from typing import Any

from pymongo import UpdateMany, UpdateOne

from .envelope import CONTENT_TYPE, CloudEvent
from .mongo import IN_CHUNK
from .producer import EventProducer, Record
from .tracing import carrier, record_headers

log = logging.getLogger("gongjian.outbox")

FIELD = "outbox"
# True while FIELD holds entries: a top-level boolean the project's FerretDB answers from an index,
# so the periodic sweep reads the pending documents, not the collection (``outbox.0`` is a scan:
# 0.3 ms a document, 5–8 s for 20,000 journal entries at load 10).
PENDING = "outbox_pending"


def outbox_entries(topic: str, events: Iterable[CloudEvent]) -> list[dict[str, Any]]:
    """Pending entries; each keeps the trace context of the code that staged it (see tracing.py)."""
    trace_carrier = carrier()
    extra = {"trace": trace_carrier} if trace_carrier else {}
    return [{"topic": topic, "event": ev.to_dict(), **extra} for ev in events]


def event_record(prefix: str, entry: dict[str, Any], value: bytes | None = None) -> Record:
    """The Kafka record of one outbox entry: key = subject, W3C trace headers, correlation id header.

    ``correlation_id`` is the header FastStream's tracing groups a batch's links by.
    """
    event = entry["event"]
    headers = [("content-type", CONTENT_TYPE.encode()), *record_headers(entry.get("trace"))]
    if event.get("correlationid"):
        headers.append(("correlation_id", str(event["correlationid"]).encode()))
    if value is None:
        value = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    return prefix + entry["topic"], str(event["subject"]).encode(), value, headers


def stage_events(update: dict[str, Any], topic: str, events: Iterable[CloudEvent]) -> dict[str, Any]:
    """Add the events to ``update`` (a MongoDB update document) as pending outbox entries."""
    entries = outbox_entries(topic, events)
    if entries:
        update.setdefault("$push", {})[FIELD] = {"$each": entries}
        update["$set"] = {**update.get("$set", {}), PENDING: True}  # the caller's $set dict is left as it was
    return update


def outbox_fields(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The outbox fields of a new document holding ``entries`` (outbox_entries)."""
    return {FIELD: entries, PENDING: True} if entries else {FIELD: entries}


def with_events(document: dict[str, Any], topic: str, events: Iterable[CloudEvent]) -> dict[str, Any]:
    """A new document to insert together with its pending events."""
    return {**document, **outbox_fields(outbox_entries(topic, events))}


def _in_write_order(ids: set[Any]) -> list[Any]:
    """Ids that grow with time (ObjectIds, sequence-numbered journal entries) in write order.

    One aggregate may spread its events over several documents (a journal); publishing
    them in id order keeps the aggregate's events in order on its partition.
    """
    try:
        return sorted(ids)
    except TypeError:
        return sorted(ids, key=str)


class OutboxRelay:
    def __init__(
        self,
        db: Any,
        producer: EventProducer,
        *,
        collections: Iterable[str],
        topic_prefix: str = "",
        sweep_interval_s: float = 60.0,
    ) -> None:
        self._db = db
        self._producer = producer
        self._collections = list(collections)
        self._prefix = topic_prefix
        self._sweep_interval = sweep_interval_s
        self._hints: dict[str, set[Any]] = {}
        self._pending: dict[str, set[Any]] = {}  # ids seen pending by the last sweep, per collection
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.published = 0

    def notify(self, collection: str, ids: Iterable[Any]) -> None:
        self._hints.setdefault(collection, set()).update(ids)
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self.flush_hinted()  # best effort; the next start's sweep covers the rest

    async def _run(self) -> None:
        await self._guarded(self.sweep)
        swept = time.monotonic()
        while True:
            wait = max(0.0, swept + self._sweep_interval - time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
            if self._wake.is_set():
                self._wake.clear()
                await self._guarded(self.flush_hinted)
            # Every interval even while hints keep coming: a busy instance must still publish what
            # another instance, killed between its write and its publish, left behind.
            if time.monotonic() - swept >= self._sweep_interval:
                await self._guarded(self.sweep_stuck)
                swept = time.monotonic()

    async def _guarded(self, step: Any) -> None:
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the relay must outlive broker hiccups
            log.warning("outbox relay step failed, will retry: %s", exc)
            await asyncio.sleep(1.0)
            self._wake.set()

    async def flush_hinted(self) -> None:
        hints, self._hints = self._hints, {}
        try:
            for collection, ids in hints.items():
                await self._publish_ids(collection, ids)
        except BaseException:
            for collection, ids in hints.items():  # keep the hints for the next try
                self._hints.setdefault(collection, set()).update(ids)
            raise

    async def _publish_ids(self, collection: str, ids: Iterable[Any]) -> int:
        ids_list, total = _in_write_order(set(ids)), 0
        for i in range(0, len(ids_list), IN_CHUNK):
            # One ``$in`` per chunk, answered from the primary key (by the project's FerretDB
            # build too, up to 500 values), then published in write order.
            chunk = ids_list[i : i + IN_CHUNK]
            found = {d["_id"]: d for d in await self._db[collection].find(
                {"_id": {"$in": chunk}}, {FIELD: 1}).to_list(None)}
            total += await self._publish_docs(collection, [found[doc_id] for doc_id in chunk if doc_id in found])
        return total

    async def backlog(self) -> dict[str, int]:
        """Documents per collection that hold events not yet on Kafka (for /metrics)."""
        return {c: await self._db[c].count_documents({PENDING: True}, maxTimeMS=1500) for c in self._collections}

    async def sweep(self) -> int:
        """Publish every pending event of every collection (start-up, rebuild)."""
        return await self._sweep(stuck_only=False)

    async def sweep_stuck(self) -> int:
        """Publish what was already pending at the previous sweep (periodic).

        A live writer publishes its own documents within milliseconds (``notify``); what is still
        pending a whole interval later was left by an instance that died, or by a failed flush.
        Taking only those keeps the sweeps of N instances from publishing again, at every
        interval, the events their writers are publishing at that moment."""
        return await self._sweep(stuck_only=True)

    async def _sweep(self, *, stuck_only: bool) -> int:
        # The start-up sweep reads the collection (documents staged before PENDING existed); the
        # periodic one asks the index.
        query = {PENDING: True} if stuck_only else {f"{FIELD}.0": {"$exists": True}}
        total = 0
        for collection in self._collections:
            pending = {d["_id"] for d in await self._db[collection].find(query, {"_id": 1}).to_list(None)}
            before = self._pending.get(collection, set())
            ready = pending & before if stuck_only else pending
            self._pending[collection] = pending - ready
            total += await self._publish_ids(collection, ready)
        return total

    async def _publish_docs(self, collection: str, docs: list[dict[str, Any]]) -> int:
        records = []
        pulls = []
        for doc in docs:
            entries = doc.get(FIELD) or []
            for entry in entries:
                value = CloudEvent.model_validate(entry["event"]).to_bytes()
                records.append(event_record(self._prefix, entry, value))
            if entries:
                pulls.append(UpdateOne({"_id": doc["_id"]}, {"$pullAll": {FIELD: entries}}))
        if records:
            await self._producer.publish_raw(records)
            self.published += len(records)
        if docs:
            # The flag goes only where the outbox is empty AFTER the pulls, in the same ordered batch
            # (one round trip): a document that received new entries after our read (not a journal
            # entry: those never change) keeps it, so a periodic sweep still finds them if their
            # writer dies before publishing.
            clear = UpdateMany({"_id": {"$in": [d["_id"] for d in docs]}, f"{FIELD}.0": {"$exists": False},
                                PENDING: {"$exists": True}}, {"$unset": {PENDING: ""}})
            await self._db[collection].bulk_write([*pulls, clear], ordered=True)
        return len(records)
