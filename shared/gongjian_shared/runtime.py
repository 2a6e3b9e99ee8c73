"""The plumbing one service process owns: Mongo client, producer, broker, outbox relay.

A service's bootstrap builds a ``ServiceRuntime``, registers its subscribers on
``runtime.broker`` and passes ``runtime.lifespan`` to its FastAPI app. Start order matters:
database first (handlers need it), then producer (dead letters and relay need it), then
the relay, then the subscribers; stop in reverse so no message is taken without a home.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from . import heap
from .admin import ensure_topics
from .kafka import make_broker
from .kafka_security import client_options
from .mongo import make_client, ping
from .outbox import PENDING, OutboxRelay
from .producer import EventProducer
from .settings import ServiceSettings
from .topics import dead_letter_topic
from .tracing import configure_tracing

log = logging.getLogger("gongjian.runtime")

Hook = Callable[["ServiceRuntime"], Awaitable[None]]


async def _bounded(step: Awaitable[Any], what: str, timeout: float = 15) -> None:
    try:
        await asyncio.wait_for(step, timeout)
    except Exception as exc:  # noqa: BLE001 - shutdown goes on whatever one step does
        log.warning("stopping %s failed: %s", what, type(exc).__name__)


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        service: str,
        database: str,
        outbox_collections: Iterable[str] = (),
        start_subscribers: bool | None = None,
    ) -> None:
        configure_tracing(settings, service)  # before the broker: its tracing middleware takes the provider
        self.settings = settings
        self.service = service
        self.database_name = database
        self.outbox_collections = list(outbox_collections)
        # The role setting chooses unless the caller does (GONGJIAN_ROLE=api starts no subscriber).
        self.start_subscribers = settings.runs_consumers if start_subscribers is None else start_subscribers
        self.producer = EventProducer(client_id=f"gongjian-{service}", **client_options(settings))
        self.broker: KafkaBroker = make_broker(settings, self.producer, service=service)
        self.broker.gongjian_consumed = []  # filled by gongjian_shared.kafka.subscribe
        self.mongo: Any = None
        self.db: Any = None
        self.relay: OutboxRelay | None = None
        self.on_startup: list[Hook] = []
        self.on_shutdown: list[Hook] = []
        self.state: dict[str, Any] = {}
        # Topics this service creates at start: those it produces, and the dead letters of those it reads.
        self.owned_topics: list[str] = []

    def own_topics(self, *names: str) -> None:
        self.owned_topics.extend(names)

    async def start(self) -> None:
        dead_letters = [dead_letter_topic(t) for t in self.broker.gongjian_consumed]
        # Consumed topics too: a consumer that starts before its producer must find its topic.
        wanted = [*self.owned_topics, *self.broker.gongjian_consumed, *dead_letters]
        if wanted:
            await ensure_topics(self.settings.kafka_bootstrap_servers, wanted,
                                prefix=self.settings.topic_prefix, partitions=self.settings.topic_partitions,
                                replication=self.settings.topic_replication, security=client_options(self.settings))
        self.mongo = make_client(self.settings.mongodb_url)
        self.db = self.mongo[self.database_name]
        for collection in self.outbox_collections:  # what the relay's periodic sweep asks for
            await self.db[collection].create_index(PENDING)
        await self.producer.start()
        self.relay = OutboxRelay(
            self.db, self.producer, collections=self.outbox_collections, topic_prefix=self.settings.topic_prefix,
            sweep_interval_s=self.settings.outbox_sweep_s,
        )
        for hook in self.on_startup:
            await hook(self)
        await self.relay.start()
        if self.start_subscribers:
            await self.broker.start()
        heap.settle()  # what start-up built is frozen; young collections less often (heap.py)
        log.info("%s started", self.service)

    async def stop(self) -> None:
        # Each step is bounded: a stuck peer must not keep the process from exiting. The broker
        # first lets in-flight messages finish and commit (graceful_timeout), then leaves its groups.
        await _bounded(self.broker.stop(), "broker", timeout=self.settings.shutdown_grace_s + 5)
        for hook in reversed(self.on_shutdown):
            await _bounded(hook(self), "shutdown hook")
        if self.relay is not None:
            await _bounded(self.relay.stop(), "outbox relay")
        await _bounded(self.producer.stop(), "producer")
        if self.mongo is not None:
            await _bounded(self.mongo.close(), "mongo client")

    async def ready(self) -> dict[str, bool]:
        """Readiness: both the database and Kafka answer now (each check bounded to ~3 s)."""
        if self.mongo is None:
            return {"mongodb": False, "kafka": False}
        mongodb, kafka = await asyncio.gather(ping(self.mongo), self.producer.ping())
        return {"mongodb": mongodb, "kafka": kafka}

    def notify(self, collection: str, *ids: Any) -> None:
        """Tell the relay that these documents hold fresh events."""
        if self.relay is not None:
            self.relay.notify(collection, ids)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = self
        app.state.settings = self.settings
        await self.start()
        try:
            yield
        finally:
            await self.stop()
