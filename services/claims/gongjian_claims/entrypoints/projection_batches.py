"""Batch subscribers for the registry projections: one bulk write per batch of events.

One subscriber call per event meant one update, one Kafka commit and the middlewares' work
per event: a few events a second on a loaded machine, so that claims learned of a demo's
2,000 members minutes after the registry had them. A batch (up to ``MAX_RECORDS``, or what
came within ``WAIT_MS``) is read record by record — one that cannot be read goes to its
dead-letter topic alone, the others go on — and its updates are written in one ordered bulk
write; the offsets are committed after it (at least once; the effects are idempotent).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.kafka import KafkaMessage
from gongjian_shared.deadletter import send_to_dead_letter
from gongjian_shared.envelope import CloudEvent
from gongjian_shared.kafka import subscribe

MAX_RECORDS = 500
WAIT_MS = 50

Apply = Callable[[Any, list[CloudEvent]], Awaitable[None]]


async def raw_body(msg: Any, original_decoder: Any) -> Any:
    return msg.body  # each record is read below, so that a bad one goes to the DLQ alone


async def write_in_order(collection: Any, ops: list[Any]) -> None:
    if ops:
        await collection.bulk_write(ops, ordered=True)


def subscribe_batch(runtime: Any, topic: str, group: str, apply: Apply, *,
                    check: Callable[[CloudEvent], None]) -> None:
    """Subscribe ``apply(db, events)`` to batches of ``topic``; ``check`` raises for an unreadable event."""

    @subscribe(runtime.broker, runtime.settings, topic, group=group, batch=True, max_records=MAX_RECORDS,
               batch_timeout_ms=WAIT_MS, decoder=raw_body)
    async def on_batch(body: Any, msg: KafkaMessage) -> None:
        events = []
        for record in _records(msg):
            try:
                event = CloudEvent.model_validate(json.loads(record.value))
                check(event)
            except Exception as exc:  # noqa: BLE001 - a bad record must not hold up the others
                await send_to_dead_letter(runtime.producer, record, exc, 1)
                continue
            events.append(event)
        if events:
            await apply(runtime.db, events)


def _records(msg: KafkaMessage) -> tuple[Any, ...]:
    raw = msg.raw_message
    return raw if isinstance(raw, tuple | list) else (raw,)
