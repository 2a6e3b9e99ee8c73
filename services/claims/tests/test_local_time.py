"""Local time in claims (issue 9.1): naive input is China time, a date alone is that local day, never a 500.

Requests go to the shared claims app with the clock frozen for the test's task
(gongjian_shared.localtime.frozen): its handlers see the chosen instant, its scheduler keeps real
time. The reminder test starts an app of its own inside the frozen block, so its scheduler moves
with the test's clock while no other test's jobs can fall due there.
"""

from __future__ import annotations

import json
from pathlib import Path

from gongjian_claims.bootstrap import build_app
from gongjian_shared.localtime import frozen
from gongjian_shared.testing import app_client, auth, eventually

CASES = Path(__file__).resolve().parents[3] / "shared" / "cases" / "boundaries"


def case(name: str, community: str) -> dict:
    """A handed case, from the team's folder when present (else the same body, kept here)."""
    kept = {"demand_naive_due_at.json": {"community_id": "<COMMUNITY_ID>", "category": "志愿服务", "item": "平安巡逻",
                                         "title": "清理楼道", "capacity": 2, "due_at": "2026-12-31T23:59:00"},
            "dispatch_duty_date.json": {"title": "疫情卡口值守", "count": 2, "duty_date": "2026-12-05"}}
    path = CASES / name
    body = json.loads(path.read_text(encoding="utf-8")) if path.exists() else kept[name]
    return json.loads(json.dumps(body).replace("<COMMUNITY_ID>", community))


async def test_case_demand_naive_due_at(world):
    c = await world.community()
    with frozen("2026-11-30T15:59:59Z"):
        r = await world.client.post("/demands", json=case("demand_naive_due_at.json", c),
                                    headers=auth("community_admin", c))
    assert r.status_code == 201, r.text
    assert r.json()["due_at"] == "2026-12-31T15:59:00Z"  # 2026-12-31T23:59:00+08:00


async def test_case_dispatch_duty_date_is_due_at_the_end_of_the_local_day(world):
    c = await world.community()
    await world.member(c)
    staff = auth("community_admin", c)
    with frozen("2026-12-04T16:00:00Z"):  # 00:00 on 5 Dec China time: the duty is today
        r = await world.client.post(f"/communities/{c}/dispatches", json=case("dispatch_duty_date.json", c),
                                    headers=staff)
    assert r.status_code == 201, r.text
    assert r.json()["duty_date"] == "2026-12-05" and len(r.json()["roster"]) == 1
    demand = (await world.client.get(f"/demands/{r.json()['demand_id']}", headers=staff)).json()
    assert demand["due_at"] == "2026-12-05T16:00:00Z"  # end of 5 Dec China time, not 08:00 the next day


async def test_naive_and_date_only_times_are_local_and_never_500(world):
    c = await world.community()
    staff = auth("community_admin", c)
    with frozen("2028-02-28T15:59:59Z"):  # 23:59:59 on 28 Feb of a leap year, China time
        r = await world.client.post("/demands", headers=staff, json={
            "community_id": c, "category": "志愿服务", "item": "法律咨询", "title": "闰日岗位", "capacity": 1,
            "kind": "position", "claim_opens_at": "2028-02-29", "period_start": "2028-02-29T08:00:00",
            "period_end": "2028-02-29"})
        assert r.status_code == 201, r.text
        got = r.json()
        assert (got["claim_opens_at"], got["period_start"], got["period_end"], got["due_at"]) == (
            "2028-02-28T16:00:00Z", "2028-02-29T00:00:00Z", "2028-02-29T16:00:00Z", "2028-02-29T16:00:00Z")

        r = await world.client.post("/demands", headers=staff, json={
            "community_id": c, "category": "志愿服务", "item": "法律咨询", "title": "已过期", "capacity": 1,
            "due_at": "2028-02-28T23:59:00"})  # a minute ago, local: refused as a 4xx, not a 500
        assert r.status_code == 422 and r.json()["code"] == "bad-deadline"
        r = await world.client.post("/demands", headers=staff, json={
            "community_id": c, "category": "志愿服务", "item": "法律咨询", "title": "乱写", "capacity": 1,
            "due_at": "下周五"})
        assert r.status_code == 422

        wish = (await world.client.post("/wishes", json={"community_id": c, "title": "想学用智能手机"},
                                        headers=auth("resident", c, sub=f"resident-{c}"))).json()["id"]  # own poster: listings by poster
        r = await world.client.post(f"/wishes/{wish}/decision", json={"approved": True, "due_at": "2028-03-01T18:00"},
                                    headers=staff)
        assert r.status_code == 200, r.text
        assert r.json()["due_at"] == "2028-03-01T10:00:00Z"


async def test_reminder_text_shows_local_time(ns, make_world, monkeypatch):
    monkeypatch.setenv("CLAIMS_SCHEDULER_INTERVAL_S", "0.2")
    with frozen("2026-12-31T15:00:00Z") as clock:  # 23:00 on New Year's Eve, China time
        app = build_app()
        async with app_client(app) as client:
            world = make_world(ns, client, app)
            await world.setup_tree()
            c = await world.community()
            member = await world.member(c)
            texts = await _reminded(world, c, member, clock)
    assert "2027年1月1日 00:30" in texts[0], texts


async def _reminded(world, c: str, member: str, clock) -> list[str]:
    """Publish a demand due at 00:30 on New Year's Day China time, claim it, pass the reminder time."""
    demand = await world.demand(c, due_at="2027-01-01T00:30:00", remind_before_hours=1, escalate_after_hours=100)
    assert demand["due_at"] == "2026-12-31T16:30:00Z"
    assert (await world.claim(demand["id"], member)).status_code == 201
    clock.set(clock.now().replace(minute=31))  # past the reminder (15:30Z), before the deadline

    async def reminded():
        notes = (await world.client.get("/notifications", headers=auth("member", sub=member))).json()["items"]
        return [n["text"] for n in notes if n["subject_id"] == demand["id"]]
    return await eventually(reminded, timeout=60)
