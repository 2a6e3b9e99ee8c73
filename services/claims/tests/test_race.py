"""Races: capacity, one claim per claimant and the per-claimant limit hold under concurrency."""

from __future__ import annotations

import asyncio
from collections import Counter

from gongjian_shared.testing import auth


async def test_100_concurrent_claims_on_capacity_10(world):
    c = await world.community()
    members = await world.members(c, 100)
    demand = await world.demand(c, capacity=10)
    responses = await asyncio.gather(*[world.claim(demand["id"], m) for m in members])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 10, 409: 90}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"demand-full"}
    winners = [r.json()["claimant_id"] for r in responses if r.status_code == 201]
    assert len(set(winners)) == 10

    got = (await world.client.get(f"/demands/{demand['id']}", headers=auth("member", sub=members[0]))).json()
    assert got["slots_left"] == 0 and len(got["claims"]) == 10
    assert {c["claimant_id"] for c in got["claims"]} == set(winners)
    assert await world.db["seats"].count_documents({"pool": demand["id"]}) == 10

    events = await world.events("claims.demands.v1", lambda evs: sum(
        e["type"] == "gongjian.demand.claimed" and e["subject"] == demand["id"] for e in evs) >= 10)
    claimed = [e for e in events if e["type"] == "gongjian.demand.claimed" and e["subject"] == demand["id"]]
    assert sorted(e["data"]["claimant_id"] for e in claimed) == sorted(winners)


async def test_one_claimant_racing_with_itself_gets_one_claim(world):
    c = await world.community()
    member = await world.member(c)
    demand = await world.demand(c, capacity=50)
    responses = await asyncio.gather(*[world.claim(demand["id"], member) for _ in range(20)])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 19}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already-claimed"}


async def test_max_open_claims_holds_under_a_race(world):
    c = await world.community()
    member = await world.member(c)
    demands = [await world.demand(c, capacity=5, max_open_claims=3) for _ in range(10)]
    responses = await asyncio.gather(*[world.claim(d["id"], member) for d in demands])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 3, 409: 7}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"claim-limit-reached"}
    # The places given back by the refused claims are free again for others.
    others = await world.members(c, 4)
    for d in demands:
        if all(r.json().get("demand_id") != d["id"] for r in responses if r.status_code == 201):
            assert (await world.claim(d["id"], others[0])).status_code == 201
            break
