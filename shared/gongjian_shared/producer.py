"""An idempotent Kafka producer for CloudEvents (acks=all, enable_idempotence).

aiokafka's defaults (acks=1) can lose a record on leader failover; we never want that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from .envelope import CONTENT_TYPE, CloudEvent
from .metrics import EVENTS_PUBLISHED, service_of

Record = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]


class EventProducer:
    def __init__(self, bootstrap_servers: str, *, client_id: str, linger_ms: int = 5, **security: Any) -> None:
        """``security``: aiokafka's security keyword arguments (kafka_security.client_options)."""
        self._bootstrap = bootstrap_servers
        self._security = security
        self._client_id = client_id
        self._linger_ms = linger_ms
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap,
            client_id=self._client_id,
            enable_idempotence=True,
            acks="all",
            linger_ms=self._linger_ms,
            max_batch_size=1024 * 1024,
            max_request_size=4 * 1024 * 1024,
            **self._security,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def raw(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("producer not started")
        return self._producer

    async def publish(self, topic: str, events: Sequence[CloudEvent]) -> None:
        """Send events keyed by subject and wait until the broker acknowledged all of them."""
        await self.publish_raw(
            (topic, ev.subject.encode(), ev.to_bytes(), [("content-type", CONTENT_TYPE.encode())])
            for ev in events
        )

    async def publish_raw(self, records: Iterable[Record]) -> None:
        sent: dict[str, int] = {}
        futures = []
        for topic, key, value, headers in records:
            futures.append(await self.raw.send(topic, value=value, key=key, headers=headers))
            sent[topic] = sent.get(topic, 0) + 1
        if futures:
            await asyncio.gather(*futures)
        service = service_of(self.client_id)
        for topic, count in sent.items():
            EVENTS_PUBLISHED.labels(service, topic).inc(count)

    async def ping(self, timeout: float = 3.0) -> bool:
        """Readiness: a metadata request is answered now.

        ``force_metadata_update()`` resolves to False when no broker answered, while the cluster
        still lists the brokers it knew: reading only the list said "ready" with Kafka down.
        """
        try:
            updated = await asyncio.wait_for(self.raw.client.force_metadata_update(), timeout=timeout)
            return bool(updated) and bool(self.raw.client.cluster.brokers())
        except Exception:  # noqa: BLE001 - readiness reports, never raises
            return False
