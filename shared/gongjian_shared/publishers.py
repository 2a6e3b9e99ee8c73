"""Declare the topics a service produces so they appear in its AsyncAPI document.

Events are sent by the outbox relay (raw idempotent producer, for throughput); these
publisher objects document each topic with the CloudEvent envelope schema and the
event types it carries.
"""

from __future__ import annotations

from typing import Any

from .envelope import CloudEvent
from .topics import TOPICS


def declare_topics(runtime: Any, *names: str) -> None:
    """Document the produced topics in AsyncAPI and have the runtime create them at start."""
    broker, settings = runtime.broker, runtime.settings
    runtime.own_topics(*names)
    for name in names:
        topic = TOPICS[name]
        broker.publisher(
            settings.topic(name),
            title=f"{name}:publish",
            description=f"Key: {topic.key}. Event types: "
            + ", ".join(f"gongjian.{t}" for t in topic.event_types)
            + ". Schemas and examples: shared/gongjian_shared/contracts/.",
            schema=CloudEvent,
            include_in_schema=True,
        )
