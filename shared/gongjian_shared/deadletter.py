"""Broker-level retry and dead-letter middleware for FastStream Kafka subscribers.

A handler that fails is retried a bounded number of times; then the original record
(bytes and headers) goes to ``<topic>.dlq`` with headers naming the error, the original
topic, partition, offset and the time, and the message is acknowledged so the consumer
keeps going. Messages that cannot be decoded are not retried: they will never succeed.
If the dead-letter publish itself fails the exception propagates, the subscriber
(AckPolicy.NACK_ON_ERROR) seeks back and the record is consumed again: nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from faststream import BaseMiddleware
from pydantic import ValidationError

from .envelope import rfc3339, utc_now
from .metrics import DEAD_LETTERS, service_of
from .producer import EventProducer
from .topics import dead_letter_topic

log = logging.getLogger("gongjian.deadletter")

NON_RETRYABLE = (ValidationError, ValueError, KeyError, TypeError, UnicodeDecodeError)


class PermanentError(Exception):
    """Raised by a handler for a message that can never be processed (no retry)."""


def dead_letter_middleware(producer: EventProducer, *, max_attempts: int = 3, backoff_s: float = 0.2):
    """Return a FastStream middleware class bound to ``producer``."""

    class DeadLetterMiddleware(BaseMiddleware):
        async def consume_scope(self, call_next: Any, msg: Any) -> Any:
            attempt = 0
            while True:
                attempt += 1
                try:
                    return await call_next(msg)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - every failure is routed somewhere
                    permanent = isinstance(exc, (PermanentError, *NON_RETRYABLE))
                    if permanent or attempt >= max_attempts:
                        await send_to_dead_letter(producer, msg.raw_message, exc, attempt)
                        return None
                    log.warning("handler failed (attempt %d/%d): %s", attempt, max_attempts, type(exc).__name__)
                    await asyncio.sleep(backoff_s * attempt)

    return DeadLetterMiddleware


async def send_to_dead_letter(producer: EventProducer, record: Any, exc: BaseException, attempts: int) -> None:
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    headers = list(record.headers or ())
    headers += [
        ("dlq-error-class", type(exc).__name__.encode()),
        ("dlq-error-message", reason.encode()),
        ("dlq-original-topic", record.topic.encode()),
        ("dlq-original-partition", str(record.partition).encode()),
        ("dlq-original-offset", str(record.offset).encode()),
        ("dlq-attempts", str(attempts).encode()),
        ("dlq-failed-at", rfc3339(utc_now()).encode()),
    ]
    await producer.publish_raw([(dead_letter_topic(record.topic), record.key, record.value or b"", headers)])
    DEAD_LETTERS.labels(service_of(producer.client_id), record.topic, type(exc).__name__).inc()
    # The reason may quote payload text; log only where it went, never the payload.
    log.error(
        "message sent to dead-letter topic %s (from %s[%s]@%s): %s",
        dead_letter_topic(record.topic), record.topic, record.partition, record.offset, type(exc).__name__,
    )
