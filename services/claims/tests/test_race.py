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


async def test_repeated_claims_waste_no_place_and_say_why(world):
    """Issue 9.5: 100 members each send the same claim 5 times at once to a capacity-50 need."""
    c = await world.community()
    members = await world.members(c, 100)
    demand = await world.demand(c, capacity=50)
    sent = [m for m in members for _ in range(5)]
    responses = await asyncio.gather(*[world.claim(demand["id"], m) for m in sent])
    granted = [r.json()["claimant_id"] for r in responses if r.status_code == 201]
    assert len(granted) == 50 and len(set(granted)) == 50, Counter(r.status_code for r in responses)
    winners, refusals = set(granted), Counter()
    for member, r in zip(sent, responses, strict=True):
        if r.status_code != 201:
            # a repeat of a winner is "already claimed"; a member without a place hears "full"
            assert r.json()["code"] == ("already-claimed" if member in winners else "demand-full"), (member, r.text)
            refusals[r.json()["code"]] += 1
    assert refusals == {"already-claimed": 200, "demand-full": 250}, refusals
    got = (await world.client.get(f"/demands/{demand['id']}", headers=auth("member", sub=members[0]))).json()
    assert got["slots_left"] == 0 and {c["claimant_id"] for c in got["claims"]} == winners


async def test_one_member_repeating_on_a_small_need_hears_already_claimed(world):
    """Issue 9.5: one member sends 10 claims at once to a capacity-5 need; four places stay free."""
    c = await world.community()
    member = await world.member(c)
    demand = await world.demand(c, capacity=5)
    responses = await asyncio.gather(*[world.claim(demand["id"], member) for _ in range(10)])
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 9}
    assert Counter(r.json()["code"] for r in responses if r.status_code == 409) == {"already-claimed": 9}
    got = (await world.client.get(f"/demands/{demand['id']}", headers=auth("member", sub=member))).json()
    assert got["slots_left"] == 4
    others = await world.members(c, 4)
    taken = await asyncio.gather(*[world.claim(demand["id"], m) for m in others])
    assert [r.status_code for r in taken] == [201] * 4  # the four free places really are free
