"""stats.snapshot on the compacted evaluation.stats.v1: one record per changed scope, key = scope.

Places touched by a batch mark their scopes (the place and its ancestors, and ``city``) dirty; a
loop publishes the dirty scopes' figures at most every ``interval`` seconds. A snapshot is the whole
state of its scope, so publishing one twice is harmless and compaction keeps the latest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from gongjian_shared.envelope import new_event, rfc3339
from gongjian_shared.topics import EVALUATION_STATS

from ..domain import shift_figures, stats
from . import time_figures
from .queries import SCOPE_KINDS, city_ids, city_scope, figures, leaves_under

log = logging.getLogger("gongjian.evaluation.snapshots")


class SnapshotPublisher:
    def __init__(self, runtime: Any, projector: Any, clock: Any, *, interval: float = 1.0) -> None:
        self.runtime, self.projector, self.clock, self.interval = runtime, projector, clock, interval
        self.dirty: set[str] = set()
        self._task: asyncio.Task | None = None
        self.published = 0

    async def on_applied(self, fx: Any, own: bool = True) -> None:
        if not own:
            return  # the instance that applied a batch publishes its scopes
        state = self.projector.state
        for place_id in fx.places:
            path = state.path_of(place_id)
            # Each city its own scope: a city's figures never add another city's (issue 13).
            self.dirty.add(city_scope(state, path[0] if path else None))
            for ancestor in path:
                place = state.places.get(ancestor)
                if place is not None and place.kind in SCOPE_KINDS[1:]:
                    self.dirty.add(f"{place.kind}:{ancestor}")

    def snapshot(self, scope: str) -> Any:
        state = self.projector.state
        kind, _, place_id = scope.partition(":")
        if scope == "city":
            place_id = next(iter(city_ids(state)), "")
        now = self.clock.now()
        found = figures(state, kind, place_id or None, "all", now, timely=False)
        # Flat: every counter and derived figure at the top level, as dashboards read them.
        body = {k: found[k] for k in ("scope", "place_id", "kind", "name", "period", "health")}
        body |= found["counters"] | found["derived"] | {"as_of": rfc3339(now)}
        # Time in state of the recent local months (month -> figures): the dashboard's monthly view.
        leaves = leaves_under(state, kind, place_id or None)
        body["time_in_state"] = time_figures.by_month(state, leaves, now)
        # 岗位服务 of the same months (issue 14.2): shifts held, sign-ups, attendance, hours.
        body["shifts"] = {m: shift_figures.of(stats.total(state.buckets, leaves, m))
                          for m in time_figures.recent_months(now)}
        path = list(state.path_of(place_id)) if place_id else []
        return new_event(source="gongjian/evaluation", type="stats.snapshot", subject=scope, data=body,
                         districtid=path[1] if len(path) > 1 else None,
                         communityid=place_id if kind == "community" else None)

    async def flush(self) -> int:
        if not self.dirty:
            return 0
        await self.projector.sync()  # what other instances applied meanwhile: the last snapshot is current
        scopes, self.dirty = self.dirty, set()
        events = [self.snapshot(scope) for scope in sorted(scopes)]
        try:
            await self.runtime.producer.publish(self.runtime.settings.topic(EVALUATION_STATS), events)
        except Exception:
            self.dirty |= scopes  # try again next round
            raise
        self.published += len(events)
        return len(events)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="stats-snapshots")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self.flush()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.flush()
            except Exception as exc:  # noqa: BLE001 - keep publishing once Kafka is back
                log.warning("snapshot publish failed: %s", exc)
