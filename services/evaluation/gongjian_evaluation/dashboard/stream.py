"""The event stream of one SSE client: its own group-less Kafka consumer, filtered.

Where it starts: the positions in Last-Event-ID (resume: everything after them that is
still retained), else ``last`` records back on every partition, else the end ("now").
It first sends ``event: ready`` carrying the starting positions as its id, so a client
that reconnects before any event arrived still resumes from where it started, and
``event: live`` once the history it asked for (replay or resume) has been sent. Matching
events go out as plain ``message`` events whose id is the position vector just after
them; while nothing matches, a ``heartbeat`` now and then moves the id forward.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer

from gongjian_shared.kafka_security import client_options

from . import positions as pos
from .filters import Scope, type_matches
from .hub import partitions


@dataclass
class StreamRequest:
    topics: list[str]                 # topic names without prefix
    patterns: tuple[str, ...]         # event type patterns (filters.parse_types)
    scope: Scope
    resume: pos.Positions | None = None
    last: int = 0
    heartbeat_seconds: float = 15.0


@dataclass
class _Start:
    where: pos.Positions   # where reading starts, per partition
    ends: pos.Positions    # the end of every partition when the client connected
    expired: int           # records the resume position names that Kafka no longer retains


async def _start(consumer: AIOKafkaConsumer, settings: Any, req: StreamRequest) -> _Start:
    names = {settings.topic(t): t for t in req.topics}
    tps = {tp: (names[tp.topic], tp.partition) for tp in await partitions(consumer, list(names))}
    consumer.assign(list(tps))
    ends = await consumer.end_offsets(list(tps))
    starts = await consumer.beginning_offsets(list(tps))
    where: pos.Positions = {}
    expired = 0
    for tp, key in tps.items():
        if req.resume is not None:
            # A partition the old id does not name is read from its beginning (see positions.py).
            wanted = req.resume.get(key, 0)
            expired += max(0, starts[tp] - wanted)  # no longer retained: say so, do not pretend
            offset = max(wanted, starts[tp])
        else:
            offset = max(starts[tp], ends[tp] - req.last)
        consumer.seek(tp, offset)
        where[key] = offset
    return _Start(where, {key: ends[tp] for tp, key in tps.items()}, expired)


def _sse(event: str | None, event_id: str, data: Any) -> dict[str, Any]:
    out = {"id": event_id, "data": json.dumps(data, ensure_ascii=False, separators=(",", ":"))}
    if event:
        out["event"] = event
    return out


def _caught_up(where: pos.Positions, ends: pos.Positions) -> bool:
    return all(where.get(key, 0) >= end for key, end in ends.items())


async def events(settings: Any, req: StreamRequest, path_of: Callable[[str], list[str] | None]
                 ) -> AsyncIterator[dict[str, Any]]:
    consumer = AIOKafkaConsumer(**client_options(settings), group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                client_id="gongjian-dashboard-sse", fetch_max_wait_ms=100)
    await consumer.start()
    try:
        begin = await _start(consumer, settings, req)
        where, names = begin.where, {settings.topic(t): t for t in req.topics}
        last_sent = pos.encode(where)
        yield {"retry": 1000, **_sse("ready", last_sent, {"topics": req.topics, "resumed": req.resume is not None,
                                                          "expired": begin.expired})}
        live, beat = False, time.monotonic()
        while True:
            if not live and _caught_up(where, begin.ends):
                live = True  # history (replay or resume) is out; what follows happens now
                yield _sse("live", pos.encode(where), {"at": time.time()})
            batch = await consumer.getmany(timeout_ms=250, max_records=500)
            for tp, records in batch.items():
                for record in records:
                    where[(names[tp.topic], tp.partition)] = record.offset + 1
                    event = _decode(record.value)
                    if event is None or not type_matches(req.patterns, event["type"].removeprefix("gongjian.")):
                        continue
                    if not req.scope.matches(event, path_of):
                        continue
                    last_sent, beat = pos.encode(where), time.monotonic()
                    yield _sse(None, last_sent, event)
            if time.monotonic() - beat >= req.heartbeat_seconds:
                beat = time.monotonic()
                if pos.encode(where) != last_sent:
                    last_sent = pos.encode(where)
                    yield _sse("heartbeat", last_sent, {"at": time.time()})
    finally:
        await consumer.stop()


def _decode(raw: bytes | None) -> dict[str, Any] | None:
    try:
        event = json.loads(raw or b"")
    except ValueError:
        return None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return None
    return event
