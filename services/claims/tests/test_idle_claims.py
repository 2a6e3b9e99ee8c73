"""Issue 14 point 1: a claim idle past CLAIM_IDLE_DAYS is warned, then released — once, across two instances.

Both instances are started inside ``frozen`` so their schedulers read the test's clock; the test
moves time by days instead of waiting.
"""

from __future__ import annotations

from collections import Counter

import pytest
from gongjian_claims.bootstrap import build_app
from gongjian_shared.contracts import validate_event
from gongjian_shared.localtime import frozen
from gongjian_shared.testing import app_client, auth, eventually

from .conftest import jobs_ran


@pytest.fixture
def idle_rule(ns, monkeypatch):
    monkeypatch.setenv("CLAIMS_SCHEDULER_INTERVAL_S", "0.2")
    monkeypatch.setenv("CLAIM_IDLE_DAYS", "10")
    monkeypatch.setenv("CLAIM_IDLE_WARN_DAYS", "2")
    return ns


async def _notes(client, who: dict, demand_id: str) -> list[dict]:
    items = (await client.get("/notifications", headers=who)).json()["items"]
    return [n for n in items if n["subject_id"] == demand_id]


async def test_idle_claim_is_warned_then_released_once_by_two_instances(idle_rule, make_world):
    with frozen("2026-12-01T02:00:00Z") as clock:
        app1, app2 = build_app(), build_app()
        async with app_client(app1) as client:
            world = make_world(idle_rule, client, app1)
            await world.setup_tree()
            c = await world.community()
            silent, busy = await world.member(c), await world.member(c)
            staff = auth("community_admin", c)
            did = (await world.demand(c, capacity=2))["id"]
            silent_claim = (await world.claim(did, silent)).json()["claim_id"]
            busy_claim = (await world.claim(did, busy)).json()["claim_id"]
            r = await client.post(f"/demands/{did}/claims/{busy_claim}/fulfilment", json={"hours": 2},
                                  headers=auth("member", sub=busy))
            assert r.status_code == 200

            async with app_client(app2):  # a second instance, once the city is known (no rebalance races)
                # Day 8.5: past the warning (2 days before day 10), the silent claimant is warned; the busy one is not.
                clock.advance(days=8, hours=12)
                warned = await eventually(lambda: _notes(client, auth("member", sub=silent), did), timeout=60)
                assert [n["kind"] for n in warned] == ["claim.idle_warning"]
                assert "尚未登记服务" in warned[0]["text"] and "2026年12月11日 10:00" in warned[0]["text"]
                assert await _notes(client, auth("member", sub=busy), did) == []
                doc = await world.db["claims"].find_one({"_id": silent_claim})
                assert doc["status"] == "claimed"

                # The warning job is logged as finished before time moves on: a jump of the clock starts a
                # new lease period at once, in which the other instance may take a job still being finished
                # (a job outliving its lease runs again, by design: its effects are idempotent).
                def steps() -> Counter:
                    return Counter(j.split("@")[0] for j in jobs_ran(app1, app2) if j.startswith(silent_claim))
                await eventually(lambda: steps()[f"{silent_claim}:idle_warn"] > 0, timeout=60)

                # Day 10.5: released automatically; the claimant and the community are told.
                clock.advance(days=2)

                async def released():
                    found = await world.db["claims"].find_one({"_id": silent_claim})
                    return found["status"] == "released" and found
                doc = await eventually(released, timeout=60)
                assert doc["released_by"] == "idle"

                async def told(who: dict, count: int) -> list[str]:
                    kinds = sorted(n["kind"] for n in await _notes(client, who, did))
                    return len(kinds) >= count and kinds
                assert await eventually(lambda: told(auth("member", sub=silent), 2), timeout=60) == [
                    "claim.idle_warning", "claim.released"]
                assert await eventually(lambda: told(staff, 1), timeout=60) == ["claim.released"]

                # Each job ran exactly once across the two instances. An instance lists a job once it
                # has logged it as finished, a moment after the release and its notices are visible.
                await eventually(lambda: steps()[f"{silent_claim}:idle_release"] > 0, timeout=60)
                assert steps() == {f"{silent_claim}:idle_warn": 1, f"{silent_claim}:idle_release": 1}

                async def busy_jobs_done():
                    log = await world.db["job_log"].find({"subject_id": busy_claim}).to_list(None)
                    return len(log) == 2 and log
                assert {j["outcome"] for j in await eventually(busy_jobs_done, timeout=60)} == {"settled"}

                events = await world.events("claims.demands.v1", lambda evs: any(
                    e["subject"] == did and e["type"].endswith("claim_released") for e in evs), timeout=60)
                released_events = [e for e in events if e["subject"] == did and e["type"].endswith("claim_released")]
                assert len(released_events) == 1 and released_events[0]["data"]["released_by"] == "idle"
                validate_event(released_events[0])

                # The silent claimant no longer blocks 销号: verify the busy one and close.
                r = await client.post(f"/demands/{did}/claims/{busy_claim}/verification", json={"approved": True},
                                      headers=staff)
                assert r.status_code == 200
                r = await client.post(f"/demands/{did}/closure", headers=staff)
                assert r.status_code == 200 and r.json()["status"] == "closed"


async def test_a_sent_back_claim_waits_anew(idle_rule, make_world):
    with frozen("2026-12-01T02:00:00Z") as clock:
        app = build_app()
        async with app_client(app) as client:
            world = make_world(idle_rule, client, app)
            await world.setup_tree()
            c = await world.community()
            member = await world.member(c)
            staff = auth("community_admin", c)
            did = (await world.demand(c, capacity=1))["id"]
            claim_id = (await world.claim(did, member)).json()["claim_id"]
            base = f"/demands/{did}/claims/{claim_id}"
            clock.advance(days=5)
            assert (await client.post(f"{base}/fulfilment", json={"hours": 1}, headers=auth("member", sub=member))
                    ).status_code == 200
            r = await client.post(f"{base}/verification", json={"approved": False, "reason": "请补充照片"},
                                  headers=staff)
            assert r.status_code == 200 and r.json()["status"] == "claimed"

            # Day 11: the first wait's jobs fall due but find a newer wait; the claim stays.
            clock.advance(days=6)

            async def first_pair_done():
                log = await world.db["job_log"].find({"subject_id": claim_id}).to_list(None)
                return len(log) >= 2 and log
            log = await eventually(first_pair_done, timeout=60)
            assert {j["outcome"] for j in log} == {"settled"}
            assert (await world.db["claims"].find_one({"_id": claim_id}))["status"] == "claimed"

            # Day 15.5: ten days after the send-back, it is released.
            clock.advance(days=4, hours=12)

            async def released():
                return (await world.db["claims"].find_one({"_id": claim_id}))["status"] == "released"
            await eventually(released, timeout=60)
