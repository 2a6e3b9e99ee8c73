"""Service positions (服务岗位) taken for a period, and dispatch (选派) with a fair rotation."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from gongjian_shared.localtime import add_days, today
from gongjian_shared.testing import auth


async def test_position_is_taken_for_a_period(world):
    c = await world.community()
    member = await world.member(c, specialties=("文艺",))
    now = datetime.now(UTC)
    body = {"community_id": c, "category": "文体服务", "item": "老年大学授课", "title": "老年大学书法班志愿教师",
            "capacity": 2, "period_start": (now + timedelta(days=1)).isoformat()}
    r = await world.client.post("/positions", json=body, headers=auth("community_admin", c))
    assert r.status_code == 422 and r.json()["code"] == "bad-period"
    body["period_end"] = (now + timedelta(days=90)).isoformat()
    r = await world.client.post("/positions", json=body, headers=auth("community_admin", c))
    assert r.status_code == 201, r.text
    position = r.json()
    assert position["kind"] == "position" and position["due_at"] == position["period_end"]
    assert (await world.claim(position["id"], member)).status_code == 201
    listed = await world.client.get("/positions", params={"place_id": c}, headers=auth("member", sub=member))
    assert [p["id"] for p in listed.json()["items"]] == [position["id"]]
    assert listed.json()["items"][0]["slots_left"] == 1


async def test_dispatch_rotates_fairly_and_reports_shortfall(world):
    c = await world.community()
    guards = [await world.member(c, specialties=("巡逻",)) for _ in range(6)]
    await world.member(c, specialties=("文艺",))  # no patrol skill: never dispatched
    staff = auth("community_admin", c)
    picked: list[list[str]] = []
    for day in range(4):
        body = {"title": "夜间平安巡逻", "specialty": "巡逻", "count": 2,
                "duty_date": add_days(today(), day + 1).isoformat()}
        r = await world.client.post(f"/communities/{c}/dispatches", json=body, headers=staff)
        assert r.status_code == 201, r.text
        assert r.json()["candidates"] == 6 and r.json()["shortfall"] == 0
        picked.append([m["member_id"] for m in r.json()["roster"]])
        assert all(m["name"] for m in r.json()["roster"])  # masked names only
    first_round = [m for day in picked[:3] for m in day]
    assert sorted(first_round) == sorted(guards)  # everyone once before anyone twice
    assert max(Counter(m for day in picked for m in day).values()) == 2

    # The roster members hold claims on the duty and can record it.
    duty = picked[0]
    demand_id = r.json()["demand_id"]
    got = (await world.client.get(f"/demands/{demand_id}", headers=staff)).json()
    assert got["kind"] == "duty" and {c["claimant_id"] for c in got["claims"]} == set(picked[3])
    assert all(c["via"] == "dispatch" for c in got["claims"])

    # Same day again: those on duty that day are not sent twice; asking for too many reports a shortfall.
    body = {"title": "卡点值守", "specialty": "巡逻", "count": 10,
            "duty_date": add_days(today(), 1).isoformat()}
    r = await world.client.post(f"/communities/{c}/dispatches", json=body, headers=staff)
    assert r.json()["shortfall"] == 6 and not set(duty) & {m["member_id"] for m in r.json()["roster"]}
    r = await world.client.post(f"/communities/{c}/dispatches", json=body, headers=auth("member", c))
    assert r.status_code == 403
