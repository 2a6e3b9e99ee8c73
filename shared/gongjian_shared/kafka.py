"""FastStream Kafka broker wiring: commit after processing, retries, dead letters.

FastStream's Kafka default (AckPolicy.ACK_FIRST) commits before the handler runs, which
is at-most-once. Every subscriber made here has a group id and NACK_ON_ERROR: the offset
is committed only after the handler (or the dead-letter hand-off) succeeded.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker

from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware

from .deadletter import dead_letter_middleware
from .kafka_security import broker_security
from .observe import observe_consumer
from .producer import EventProducer
from .settings import ServiceSettings


async def cloudevents_decoder(msg: Any, original_decoder: Any) -> Any:
    """Structured-mode CloudEvents are ``application/cloudevents+json``: decode them as JSON."""
    content_type = (msg.content_type or "").lower()
    if content_type.endswith("+json") or content_type.startswith("application/json"):
        return json.loads(msg.body)
    return await original_decoder(msg)


def make_broker(settings: ServiceSettings, producer: EventProducer, *, service: str) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"gongjian-{service}",
        security=broker_security(settings),  # SASL/SCRAM and TLS when configured
        decoder=cloudevents_decoder,
        # Outermost first: the trace span (from the record's traceparent), then metrics and
        # correlation id, then retries and dead letters closest to the handler.
        middlewares=[KafkaTelemetryMiddleware(), observe_consumer(service),
                     dead_letter_middleware(producer, max_attempts=settings.max_delivery_attempts)],
        # On stop, messages being handled finish (and commit) within this time.
        graceful_timeout=settings.shutdown_grace_s,
        description=f"共建 gongjian {service} service",
        # FastStream logs every message at INFO; per-message lines belong at DEBUG. Its own
        # logger bypasses our handler (and so the personal-data filter): give it ours.
        logger=logging.getLogger("gongjian.broker"),
        log_level=logging.DEBUG,
    )


def subscribe(broker: KafkaBroker, settings: ServiceSettings, topic: str, *, group: str, **kwargs: Any):
    """A durable subscriber: named group, earliest offset for a new group, commit after processing."""
    kwargs.setdefault("auto_offset_reset", "earliest")
    runtime_topics = getattr(broker, "gongjian_consumed", None)
    if runtime_topics is not None:
        runtime_topics.append(topic)
    kwargs.setdefault("title", f"{topic}:{group}")
    return broker.subscriber(
        settings.topic(topic),
        group_id=settings.group(group),
        ack_policy=AckPolicy.NACK_ON_ERROR,
        **kwargs,
    )
