"""Supervision (督办): reminders, overdue once, escalation; two instances; restarts; meeting tasks."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from gongjian_claims.adapters import jobs
from gongjian_claims.bootstrap import build_app
from gongjian_shared.localtime import frozen
from gongjian_shared.testing import app_client, auth, eventually

from .conftest import jobs_ran

SECOND = 1 / 3600  # in hours


async def _overdue_events(world, demand_id: str, wait: float = 2.0) -> list[dict]:
    await asyncio.sleep(wait)  # let any duplicate show up
    events = await world.events("claims.demands.v1", lambda evs: any(
        e["subject"] == demand_id and e["type"].endswith("overdue") for e in evs))
    return [e for e in events if e["subject"] == demand_id and e["type"].endswith("overdue")]


async def test_deadline_fires_once_with_two_instances(fast, make_world):
    # Both instances read the test's frozen clock, so the claim always comes before the reminder
    # however slow the machine is; the test moves time instead of waiting for it.
    with frozen("2026-12-01T02:00:00Z") as clock:
        app1, app2 = build_app(), build_app()
        async with app_client(app1) as client1:
            world = make_world(fast, client1, app1)
            await world.setup_tree()
            c = await world.community()
            member = await world.member(c)
            async with app_client(app2):  # a second instance on the same database and topics
                due = clock.now() + timedelta(days=1)
                demand = await world.demand(c, due_at=due.isoformat(), remind_before_hours=2,
                                            escalate_after_hours=1)
                assert (await world.claim(demand["id"], member)).status_code == 201
                clock.advance(hours=23)  # inside the reminder's two hours

                async def reminded():
                    notes = (await client1.get("/notifications", headers=auth("member", sub=member))).json()
                    return [n for n in notes["items"] if n["subject_id"] == demand["id"]]
                await eventually(reminded, timeout=60)

                # Logged as finished before the clock jumps: a new lease period lets the other instance
                # take a job that is still being finished (by design, a job outliving its lease reruns).
                await eventually(lambda: f"{demand['id']}:remind" in jobs_ran(app1, app2), timeout=60)
                clock.advance(hours=3)  # past the deadline and the hour before escalation

                async def escalated():
                    doc = await world.db["demands"].find_one({"_id": demand["id"]})
                    return doc.get("escalated")
                await eventually(escalated, timeout=60)
                overdue = await _overdue_events(world, demand["id"])
            assert len(overdue) == 1
            assert overdue[0]["data"]["open_claims"] == 1 and overdue[0]["data"]["claimant_ids"] == [member]

            await eventually(lambda: f"{demand['id']}:escalate" in jobs_ran(app1, app2), timeout=60)
            mine = [j for j in jobs_ran(app1, app2) if j.startswith(demand["id"])]
            assert Counter(mine) == {f"{demand['id']}:remind": 1, f"{demand['id']}:overdue": 1,
                                     f"{demand['id']}:escalate": 1}

            notes = (await client1.get("/notifications", headers=auth("member", sub=member))).json()["items"]
            assert [n["kind"] for n in notes if n["subject_id"] == demand["id"]] == ["demand.remind"]
            street = auth("community_admin", world.street)
            notes = (await client1.get("/notifications", headers=street)).json()["items"]
            assert any(n["kind"] == "demand.escalate" and n["subject_id"] == demand["id"] for n in notes)
            ledger = (await client1.get("/supervision", params={"place_id": world.street}, headers=street)).json()
            assert demand["id"] in [d["id"] for d in ledger["demands"]] and ledger["summary"]["escalated"] >= 1


async def test_deadline_fires_after_a_restart(fast, make_world):
    # A frozen clock, not a deadline seconds ahead: publishing took longer than 2 s on a loaded machine.
    with frozen("2026-12-01T02:00:00Z") as clock:
        app = build_app()
        async with app_client(app) as client:
            world = make_world(fast, client, app)
            await world.setup_tree()
            c = await world.community()
            due = clock.now() + timedelta(hours=1)
            demand = await world.demand(c, due_at=due.isoformat(), escalate_after_hours=3600)
        clock.advance(hours=2)  # the deadline passes while no instance runs
        app = build_app()
        async with app_client(app) as client:
            world = make_world(fast, client, app)
            overdue = await _overdue_events(world, demand["id"], wait=1.5)
            assert len(overdue) == 1
            doc = await world.db["demands"].find_one({"_id": demand["id"]})
            assert doc["overdue"] is True and not doc.get("escalated")


async def test_settled_in_time_never_goes_overdue(fast, make_world):
    app = build_app()
    async with app_client(app) as client:
        world = make_world(fast, client, app)
        await world.setup_tree()
        c = await world.community()
        # Long enough for publishing and withdrawing on a loaded machine (1.5 s was not, at load 9):
        # withdrawn after its deadline, it would rightly go overdue.
        due = datetime.now(UTC) + timedelta(seconds=6)
        demand = await world.demand(c, due_at=due.isoformat())
        # Nobody served it, so it is withdrawn (撤回; 销号 needs a verified service): settled all the same.
        r = await client.post(f"/demands/{demand['id']}/withdrawal", json={"reason": "活动取消"},
                              headers=auth("community_admin", c))
        assert r.status_code == 200 and r.json()["status"] == "withdrawn"

        async def deadline_passed_and_job_done():
            job = await jobs.get(world.db, f"{demand['id']}:overdue")
            return datetime.now(UTC) > due and job and job["status"] == "done" and job

        job = await eventually(deadline_passed_and_job_done)
        assert job["outcome"] == "settled"
        doc = await world.db["demands"].find_one({"_id": demand["id"]})
        assert not doc.get("overdue")


async def test_a_lease_goes_to_one_instance(world):
    job = {"_id": "job-lease-test", "due_at": datetime.now(UTC)}
    taken = await asyncio.gather(*[jobs.take(world.db, job, f"instance-{i}", timedelta(seconds=60))
                                   for i in range(10)])
    assert taken.count(True) == 1


async def test_joint_meeting_decisions_tracked_to_closure(world):
    c = await world.community()
    unit = await world.unit(c)
    staff = auth("community_admin", c)
    now = datetime.now(UTC)
    body = {"place_id": c, "title": "第三季度共建联席会议", "held_at": now.isoformat(),
            "remind_before_hours": 0, "escalate_after_hours": 1 * SECOND,
            "decisions": [{"title": "修缮 5 栋楼道照明", "owner_id": unit, "owner_kind": "unit",
                           "due_at": (now + timedelta(seconds=1.5)).isoformat()},
                          {"title": "组织重阳节走访慰问", "owner_id": "official-1", "owner_kind": "official",
                           "due_at": (now + timedelta(days=30)).isoformat()}]}
    assert (await world.client.post("/meetings", json=body, headers=auth("community_admin", "elsewhere"))
            ).status_code == 403
    r = await world.client.post("/meetings", json=body, headers=staff)
    assert r.status_code == 201, r.text
    meeting = r.json()
    late, later = meeting["tasks"][0]["id"], meeting["tasks"][1]["id"]

    async def escalated():
        task = await world.db["tasks"].find_one({"_id": late})
        return task.get("escalated")
    await eventually(escalated, timeout=15)
    ledger = (await world.client.get("/supervision", params={"place_id": c}, headers=staff)).json()
    assert [t["id"] for t in ledger["tasks"]] == [late]
    notes = (await world.client.get("/notifications", headers=auth("unit_admin", unit))).json()["items"]
    assert any(n["kind"] == "task.overdue" and n["subject_id"] == late for n in notes)

    r = await world.client.post(f"/tasks/{late}/progress", json={"note": "已采购灯具"}, headers=auth("member", sub="x"))
    assert r.status_code == 403
    r = await world.client.post(f"/tasks/{late}/progress", json={"note": "已采购灯具"}, headers=auth("unit_admin", unit))
    assert r.status_code == 200 and r.json()["progress"][0]["note"] == "已采购灯具"
    assert (await world.client.post(f"/tasks/{late}/closure", json={"note": "已完工"},
                                    headers=auth("unit_admin", unit))).status_code == 403
    r = await world.client.post(f"/tasks/{late}/closure", json={"note": "已完工，居民满意"}, headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "done"
    tasks = (await world.client.get("/tasks", params={"place_id": c}, headers=staff)).json()
    assert tasks["summary"] == {"total": 2, "open": 1, "done": 1, "overdue": 1}
    assert {t["id"] for t in tasks["items"]} == {late, later}
    # Paged on the service, earliest deadline first; the summary still counts every task.
    pages = [await world.client.get("/tasks", params={"place_id": c, "limit": 1, "offset": n}, headers=staff)
             for n in (0, 1)]
    assert [[t["id"] for t in p.json()["items"]] for p in pages] == [[late], [later]]
    assert [p.headers["x-total-count"] for p in pages] == ["2", "2"] and pages[1].json()["summary"]["done"] == 1
    done = (await world.client.get("/tasks", params={"place_id": c, "status": "done"}, headers=staff)).json()
    assert (done["total"], [t["id"] for t in done["items"]]) == (1, [late])
