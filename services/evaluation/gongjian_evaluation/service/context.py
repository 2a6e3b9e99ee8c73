"""The evaluation service object: projector, alerts, snapshots, clock and config wired together."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from typing import Any

from ..adapters.journal_relay import JournalRelay
from ..adapters.store import CONFIG
from ..clock import Clock
from ..domain.config_versions import for_year
from ..domain.ratings import DEFAULT_CONFIG
from .alerts import Alerts
from .projector import Projector
from .snapshots import SnapshotPublisher

log = logging.getLogger("gongjian.evaluation")


class Evaluation:
    def __init__(self, runtime: Any, clock: Clock, *, tick_interval: float, snapshot_interval: float,
                 checkpoint_every: int, follow_interval: float = 0.5) -> None:
        self.runtime, self.clock, self.tick_interval = runtime, clock, tick_interval
        self.follow_interval = follow_interval
        self.relay = JournalRelay(runtime)
        self.projector = Projector(None, relay=self.relay, checkpoint_every=checkpoint_every)
        self.alerts = Alerts(runtime, self.projector, clock)
        self.snapshots = SnapshotPublisher(runtime, self.projector, clock, interval=snapshot_interval)
        self.config: dict[str, Any] = copy.deepcopy(DEFAULT_CONFIG)
        self.projector.listeners += [self.snapshots.on_applied, self._after_batch]
        self._tasks: list[asyncio.Task] = []
        self.names: Any = None  # adapters.registry_names.RegistryNames, set by bootstrap

    @property
    def state(self) -> Any:
        return self.projector.state

    async def start(self, runtime: Any) -> None:
        self.projector.db = runtime.db
        await self.load_config()
        await self.projector.load()
        await self.relay.start()
        await self.alerts.load()
        await self.snapshots.start()
        self._tasks = [asyncio.create_task(self._ticker(), name="evaluation-ticker"),
                       asyncio.create_task(self.projector.follow(self.follow_interval), name="evaluation-follow")]

    async def load_config(self) -> dict[str, Any]:
        """The stored configuration over the defaults, read afresh: another instance may have changed it."""
        doc = await self.runtime.db[CONFIG].find_one({"_id": "config"})
        config = copy.deepcopy(DEFAULT_CONFIG)
        if doc:
            config.update({k: v for k, v in doc.items() if k != "_id"})
        self.config = config
        return config

    async def config_for_year(self, key: str, year: int) -> Any:
        """A versioned setting (year-end weights, star criteria) as it judges ``year``."""
        return for_year(await self.load_config(), key, year)

    async def named(self, rows: list[dict[str, Any]], authorization: str | None,
                    key: str = "holder_id") -> list[dict[str, Any]]:
        """``rows`` with the names this caller may read (full for officials in their places)."""
        from ..adapters.registry_names import name_rows

        if self.names is None or not rows:
            return rows
        return name_rows(rows, await self.names.resolve([r.get(key) for r in rows], authorization), key)

    async def stop(self, runtime: Any) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.snapshots.stop()
        await self.relay.stop()
        with contextlib.suppress(Exception):
            await self.projector.checkpoint()

    async def _after_batch(self, fx: Any, own: bool = True) -> None:
        if own and fx.members:
            await self.alerts.check_inactive(set(fx.members))  # fresh activity clears at once

    async def tick(self) -> dict[str, int]:
        """Everything time-based, judged by the injected clock: inactivity alerts, campaigns due to close."""
        from .reviews import close_due

        await self.projector.sync()
        await self.alerts.load()  # alerts other instances raised or cleared
        result = await self.alerts.check_inactive()
        result["campaigns_closed"] = await close_due(self)
        return result

    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(self.tick_interval)
            try:
                await self.tick()
            except Exception as exc:  # noqa: BLE001 - the next tick tries again
                log.warning("evaluation tick failed: %s", exc)
