"""Issue 14 point 1: a demand can be withdrawn (撤回) or its capacity changed, never below the places taken."""

from __future__ import annotations

import asyncio

from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import auth


async def test_withdrawal_releases_open_claims_and_notifies(world):
    c, other = await world.community(), await world.community()
    a, b, late = await world.member(c), await world.member(c), await world.member(c)
    staff = auth("community_admin", c)
    did = (await world.demand(c, capacity=3))["id"]
    ca = (await world.claim(did, a)).json()["claim_id"]
    cb = (await world.claim(did, b)).json()["claim_id"]
    assert (await world.client.post(f"/demands/{did}/claims/{cb}/fulfilment", json={"hours": 1},
                                    headers=auth("member", sub=b))).status_code == 200
    url = f"/demands/{did}/withdrawal"

    assert (await world.client.post(url, json={"reason": "活动取消"}, headers=auth("community_admin", other))
            ).status_code == 403
    assert (await world.client.post(url, json={"reason": "活动取消"}, headers=auth("member", sub=a))).status_code == 403
    r = await world.client.post(url, json={}, headers=staff)
    assert r.status_code == 422 and "撤回原因" in r.json()["detail"]

    r = await world.client.post(url, json={"reason": "因天气原因活动取消"}, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn" and r.json()["slots_left"] == 0
    again = await world.client.post(url, json={"reason": "再撤一次"}, headers=staff)
    assert again.status_code == 409 and again.json()["code"] == "demand-not-open"

    full = (await world.client.get(f"/demands/{did}", headers=staff)).json()
    assert {c["claim_id"]: (c["status"], c.get("released_by")) for c in full["claims"]} == {
        ca: ("released", "withdrawal"), cb: ("released", "withdrawal")}
    r = await world.claim(did, late)
    assert r.status_code == 409 and r.json()["code"] == "demand-not-open"
    for member in (a, b):
        notes = (await world.client.get("/notifications", headers=auth("member", sub=member))).json()["items"]
        mine = [n for n in notes if n["subject_id"] == did]
        assert len(mine) == 1 and "需求已撤回" in mine[0]["text"] and "因天气原因活动取消" in mine[0]["text"]

    events = await world.events("claims.demands.v1", lambda evs: any(
        e["subject"] == did and e["type"].endswith("closed") for e in evs), timeout=60)
    mine = [e for e in events if e["subject"] == did and not e["type"].endswith(("published", "claimed", "fulfilled"))]
    assert [e["type"].removeprefix("gongjian.") for e in mine] == [
        "demand.claim_released", "demand.claim_released", "demand.closed"]
    assert mine[-1]["data"]["outcome"] == "withdrawn" and mine[-1]["data"]["reason"] == "因天气原因活动取消"
    for event in mine:
        validate_event(event)


async def test_a_wish_is_not_withdrawn_here(world):
    c = await world.community()
    resident = auth("resident", c, sub="resident-withdraw")
    wish = (await world.client.post("/wishes", json={"community_id": c, "title": "想要一副老花镜"}, headers=resident)).json()
    staff = auth("community_admin", c)
    assert (await world.client.post(f"/wishes/{wish['id']}/decision", json={"approved": True}, headers=staff)
            ).status_code == 200
    r = await world.client.post(f"/demands/{wish['id']}/withdrawal", json={"reason": "不需要了"}, headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "wish-not-withdrawable"


async def test_capacity_never_below_the_places_taken(world):
    c = await world.community()
    members = [await world.member(c) for _ in range(4)]
    staff = auth("community_admin", c)
    did = (await world.demand(c, capacity=5))["id"]
    claims = [(await world.claim(did, m)).json() for m in members[:3]]
    url = f"/demands/{did}/capacity"

    r = await world.client.post(url, json={"capacity": 2, "reason": "场地变小"}, headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "capacity-below-taken"
    assert "已有 3 个名额被认领" in r.json()["detail"]
    r = await world.client.post(url, json={"capacity": 0}, headers=staff)
    assert r.status_code == 422 and "名额" in r.json()["detail"]
    assert (await world.client.post(url, json={"capacity": 4}, headers=auth("member", sub=members[0]))
            ).status_code == 403

    # Release the lowest seat so that a claim sits above the new capacity, then lower to exactly the taken.
    seat_of = {d["_id"]: d["seat"] for d in await world.db["claims"].find({"demand_id": did}).to_list(None)}
    low = min(claims, key=lambda c: seat_of[c["claim_id"]])  # the other two: one sits at seat 2 or above
    assert (await world.client.post(f"/demands/{did}/claims/{low['claim_id']}/release",
                                    headers=auth("member", sub=low["claimant_id"]))).status_code == 200
    r = await world.client.post(url, json={"capacity": 2, "reason": "场地变小"}, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["capacity"] == 2 and r.json()["slots_left"] == 0
    seats = await world.db["seats"].find({"pool": did, "claim_id": {"$nin": ["shrunk", "sealed"]}}).to_list(None)
    assert len(seats) == 2 and all(s["seat"] < 2 for s in seats)
    r = await world.claim(did, members[3])
    assert r.status_code == 409 and r.json()["code"] == "demand-full"

    # Each remaining claim still frees its (moved) seat: release one, the place is claimable again.
    kept = [c for c in claims if c["claim_id"] != low["claim_id"]]
    assert (await world.client.post(f"/demands/{did}/claims/{kept[0]['claim_id']}/release",
                                    headers=auth("member", sub=kept[0]["claimant_id"]))).status_code == 200
    assert (await world.claim(did, members[3])).status_code == 201

    # Raising it again opens places; a rush never exceeds the capacity.
    r = await world.client.post(url, json={"capacity": 4}, headers=staff)
    assert r.status_code == 200 and r.json()["slots_left"] == 2
    rush = [await world.member(c) for _ in range(4)]
    results = await asyncio.gather(*[world.claim(did, m) for m in rush])
    assert sorted(r.status_code for r in results) == [201, 201, 409, 409]
    events = await world.events("claims.demands.v1", lambda evs: sum(
        e["subject"] == did and e["type"].endswith("capacity_changed") for e in evs) >= 2, timeout=60)
    changed = [e for e in events if e["subject"] == did and e["type"].endswith("capacity_changed")]
    assert [(e["data"]["previous_capacity"], e["data"]["capacity"]) for e in changed] == [(5, 2), (2, 4)]
    for event in changed:
        validate_event(event)
