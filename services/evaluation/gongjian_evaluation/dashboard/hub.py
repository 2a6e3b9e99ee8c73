"""One background reader per service process: the place tree, stats snapshots, recent activity.

A Kafka consumer without a group (assign + seek: nothing to commit, nothing to rebalance)
reads registry.places.v1 and the compacted evaluation.stats.v1 from the beginning (they
are the state), and the claims topics from ``days`` ago (the time charts). Live stream
clients do not go through here: each has its own consumer (see stream.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from gongjian_shared.admin import ensure_topics
from gongjian_shared.kafka_security import client_options
from gongjian_shared.localtime import earlier, now, today
from gongjian_shared.topics import CLAIMS_DEMANDS, CLAIMS_SUGGESTIONS, CLAIMS_WISHES, EVALUATION_STATS, REGISTRY_PLACES

from .activity import Activity
from .places import PlaceIndex
from .positions import PUBLIC_TOPICS

log = logging.getLogger("gongjian.dashboard")

FROM_START = (REGISTRY_PLACES, EVALUATION_STATS)
RECENT = (CLAIMS_DEMANDS, CLAIMS_WISHES, CLAIMS_SUGGESTIONS)


async def partitions(consumer: AIOKafkaConsumer, topics: list[str], timeout: float = 15) -> list[TopicPartition]:
    """Every partition of these topics; just-created topics take a moment to show in metadata."""
    deadline = time.monotonic() + timeout
    while True:
        # consumer.topics() fetches this but does not keep it for partitions_for_topic when
        # nothing is subscribed yet; ask the client for the cluster metadata itself.
        cluster = await consumer._client.fetch_all_metadata()
        found = {t: sorted(cluster.partitions_for_topic(t) or ()) for t in topics}
        if all(found.values()) or time.monotonic() > deadline:
            return [TopicPartition(t, p) for t, parts in found.items() for p in parts]
        await asyncio.sleep(0.2)


class DashboardHub:
    def __init__(self, settings: Any, *, days: int = 7) -> None:
        self.settings = settings
        self.places = PlaceIndex()
        self.activity = Activity(days)
        self.snapshots: dict[str, dict[str, Any]] = {}  # stats scope ("district:<id>") → snapshot data
        self.version = 0  # bumped on every change, so pages can tell "something moved"
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task | None = None
        self._targets: dict[TopicPartition, int] = {}
        self._full: dict[str, str] = {}  # prefixed topic name → contract name
        self._caught_up = asyncio.Event()

    async def start(self) -> None:
        # Dashboards may start before the services that produce these: create them the standard way.
        await ensure_topics(self.settings.kafka_bootstrap_servers, PUBLIC_TOPICS, prefix=self.settings.topic_prefix,
                            partitions=self.settings.topic_partitions, replication=self.settings.topic_replication,
                            security=client_options(self.settings))
        consumer = AIOKafkaConsumer(**client_options(self.settings), group_id=None,
                                    enable_auto_commit=False, auto_offset_reset="earliest",
                                    client_id="gongjian-dashboard-hub", fetch_max_wait_ms=200)
        await consumer.start()
        self._consumer = consumer
        full = {self.settings.topic(t): t for t in (*FROM_START, *RECENT)}
        tps = await partitions(consumer, list(full))
        consumer.assign(tps)
        since_ms = int(earlier(now(), days=self.activity.days).timestamp() * 1000)
        recent = [tp for tp in tps if full[tp.topic] in RECENT]
        found = await consumer.offsets_for_times({tp: since_ms for tp in recent}) if recent else {}
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            if full[tp.topic] in FROM_START:
                consumer.seek(tp, 0)
            else:
                hit = found.get(tp)
                consumer.seek(tp, hit.offset if hit is not None else ends[tp])
        self._targets = {tp: end for tp, end in ends.items() if end > 0}
        self._full = full
        self._task = asyncio.create_task(self._run(), name="dashboard-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    async def ready(self, timeout: float = 15) -> bool:
        """True once what was on the topics at start has been read (the place tree is complete)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._caught_up.wait(), timeout)
        return self._caught_up.is_set()

    async def _run(self) -> None:
        assert self._consumer is not None
        pruned = None
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=500, max_records=2000)
                for tp, records in batch.items():
                    for record in records:
                        self._apply(self._full[tp.topic], record)
                if not self._caught_up.is_set():
                    await self._check_caught_up()
                day = today()
                if pruned != day:
                    self.activity.prune(day)
                    pruned = day
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the reader must outlive one bad batch
                log.exception("dashboard hub: read failed, retrying")
                await asyncio.sleep(1)

    async def _check_caught_up(self) -> None:
        assert self._consumer is not None
        for tp, target in list(self._targets.items()):
            if await self._consumer.position(tp) >= target:
                del self._targets[tp]
        if not self._targets:
            self._caught_up.set()

    def _apply(self, topic: str, record: Any) -> None:
        try:
            event = json.loads(record.value)
        except (TypeError, ValueError):
            return  # not a CloudEvent: nothing a dashboard can show
        if not isinstance(event, dict):
            return
        changed = False
        if topic == REGISTRY_PLACES:
            changed = self.places.apply(event)
        elif topic == EVALUATION_STATS:
            scope = record.key.decode() if record.key else str(event.get("subject") or "")
            if isinstance(event.get("data"), dict):
                self.snapshots[scope] = event["data"]
                changed = True
        else:
            changed = self.activity.apply(event) is not None
        if changed:
            self.version += 1
