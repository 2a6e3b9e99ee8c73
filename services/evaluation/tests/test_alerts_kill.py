"""Issue 10.1, time-based work: three evaluation processes run the inactivity checks, one is killed mid-run.

Members report at T0 and do nothing since; an in-process instance on a clock at T0 applies their
events (nobody is inactive yet, so no alert is raised while the events are applied). Then three
evaluation processes start on a clock seven months later (``GONGJIAN_CLOCK_AT``): they load the
state, and nothing is due until a check runs. One instance runs the checks alone and is killed
(SIGKILL) once it has raised some alerts; the other two then run them at once. Counted on Kafka:
every member's alert raised exactly once (one event id), none missing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict

import httpx
import pytest
from gongjian_evaluation.bootstrap import build_app
from gongjian_evaluation.clock import FixedClock
from gongjian_evaluation.testing import T0, settings, settle
from gongjian_shared.testing import ServiceProcess, app_client, auth, eventually, read_to_end, start_together
from gongjian_shared.topics import EVALUATION_ALERTS, REGISTRY_MEMBERS, REGISTRY_PLACES
from pymongo import AsyncMongoClient

IDLE = 200  # enough alerts that the first instance is still raising them when it is killed
SEVEN_MONTHS_LATER = "2026-10-05T02:00:00Z"  # T0 = 2026-03-02: every member is due for member_inactive
ADMIN = auth("city_admin")


@pytest.mark.timeout(400)  # three process starts on a loaded machine
async def test_inactivity_alerts_fire_once_across_three_instances_one_killed_mid_run(ns, feed, city):
    members = [f"member-i{i:03d}" for i in range(IDLE)]
    communities = ("c1", "c2", "c3")
    app = build_app(settings(), clock=FixedClock(T0))
    async with app_client(app):
        ev = app.state.runtime.state["evaluation"]
        await feed.send(REGISTRY_PLACES, city.places())
        await feed.send(REGISTRY_MEMBERS, [e for i, m in enumerate(members) for e in (
            city.member(m, communities[i % 3]), city.reported(m, communities[i % 3], at=T0))])
        await settle(ev, len(city.PATHS) + 2 * IDLE, timeout=120)
        assert ev.alerts.open == {}

    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING", GONGJIAN_CLOCK_AT=SEVEN_MONTHS_LATER, EVALUATION_TICK_S="3600",
                 GONGJIAN_OUTBOX_SWEEP_S="2")  # what the killed instance staged, the others publish
    procs = await asyncio.to_thread(start_together, [ServiceProcess("evaluation", env) for _ in range(3)], 150)
    mongo = AsyncMongoClient(ns.infra.mongodb_url)
    alerts = mongo[ns.db("evaluation")]["alerts"]
    try:
        async with httpx.AsyncClient(timeout=120) as client:
            victim, survivors = procs[0], procs[1:]
            started = asyncio.create_task(client.post(f"{victim.url}/admin/tick", headers=ADMIN))
            await eventually(lambda: alerts.count_documents({}), timeout=120, interval=0.01)
            victim.stop(kill=True)
            with contextlib.suppress(httpx.HTTPError):
                await started
            assert 0 < await alerts.count_documents({}) < IDLE  # it died with checks left to run
            ticks = await asyncio.gather(*[client.post(f"{p.url}/admin/tick", headers=ADMIN) for p in survivors])
            assert all(t.status_code == 200 for t in ticks), [t.text for t in ticks]
            assert await alerts.count_documents({"status": "open"}) == IDLE

        async def published():
            return await alerts.count_documents({"outbox.0": {"$exists": True}}) == 0
        await eventually(published, timeout=60)
        records = await read_to_end(ns.infra.kafka_bootstrap, [ns.topic(EVALUATION_ALERTS)])
        raised: dict[str, set[str]] = defaultdict(set)
        for event in records:  # at least once on Kafka (same event id), raised once per member
            assert event["type"] == "gongjian.alert.raised", event["type"]
            raised[event["data"]["alert_id"]].add(event["id"])
        assert sorted(raised) == sorted(f"member_inactive:{m}" for m in members)
        assert all(len(ids) == 1 for ids in raised.values()), {k: v for k, v in raised.items() if len(v) > 1}
    finally:
        for p in procs:
            p.stop()
        await mongo.close()
