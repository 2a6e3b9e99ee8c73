"""Fulfilment, verification (approve / send back), closing (销号) and rating, with events and roles."""

from __future__ import annotations

from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import auth


async def test_fulfil_verify_close_rate_with_events(world):
    c, other = await world.community(), await world.community()
    a, b = await world.member(c), await world.member(c)
    staff = auth("community_admin", c)
    demand = await world.demand(c, capacity=2)
    did = demand["id"]
    ca = (await world.claim(did, a)).json()["claim_id"]
    cb = (await world.claim(did, b)).json()["claim_id"]
    base = f"/demands/{did}/claims"

    # Only the claimant records fulfilment; hours must be positive.
    r = await world.client.post(f"{base}/{ca}/fulfilment", json={"hours": 2}, headers=auth("member", sub=b))
    assert r.status_code == 403
    r = await world.client.post(f"{base}/{ca}/fulfilment", json={"hours": 0}, headers=auth("member", sub=a))
    assert r.status_code == 422
    r = await world.client.post(f"{base}/{ca}/fulfilment", json={"hours": 2.5, "note": "走访 3 户", "beneficiaries": 3},
                                headers=auth("member", sub=a))
    assert r.status_code == 200 and r.json()["status"] == "fulfilled"
    again = await world.client.post(f"{base}/{ca}/fulfilment", json={"hours": 1}, headers=auth("member", sub=a))
    assert again.status_code == 409

    # Verification: officials of this community only; sending back needs a reason.
    r = await world.client.post(f"{base}/{ca}/verification", json={"approved": True},
                                headers=auth("community_admin", other))
    assert r.status_code == 403
    r = await world.client.post(f"{base}/{ca}/verification", json={"approved": True}, headers=auth("member", sub=a))
    assert r.status_code == 403
    r = await world.client.post(f"{base}/{ca}/verification", json={"approved": False}, headers=staff)
    assert r.status_code == 422 and r.json()["code"] == "reason-required"
    r = await world.client.post(f"{base}/{ca}/verification", json={"approved": False, "reason": "请补充服务照片"},
                                headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "claimed"
    r = await world.client.post(f"{base}/{ca}/fulfilment", json={"hours": 3, "beneficiaries": 4},
                                headers=auth("member", sub=a))
    assert r.status_code == 200
    r = await world.client.post(f"{base}/{ca}/verification", json={"approved": True}, headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "verified"

    # Closing waits for every claim: b still holds one, so b releases it first.
    r = await world.client.post(f"/demands/{did}/closure", headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "claims-unfinished"
    assert (await world.client.post(f"{base}/{cb}/release", headers=auth("member", sub=b))).status_code == 200
    r = await world.client.post(f"/demands/{did}/rating", json={"score": 5}, headers=auth("resident", c, sub="r1"))
    assert r.status_code == 201  # something was verified already
    assert (await world.client.post(f"/demands/{did}/closure", headers=auth("community_admin", other))).status_code \
        == 403
    r = await world.client.post(f"/demands/{did}/closure", headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["totals"] == {"verified_claims": 1, "participants": 1, "total_hours": 3.0, "beneficiaries": 4}
    assert (await world.claim(did, b)).json()["code"] == "demand-not-open"

    # Rating: residents of the place, once each, 1–5.
    assert (await world.client.post(f"/demands/{did}/rating", json={"score": 6},
                                    headers=auth("resident", c, sub="r2"))).status_code == 422
    assert (await world.client.post(f"/demands/{did}/rating", json={"score": 4},
                                    headers=auth("resident", other, sub="r3"))).status_code == 403
    assert (await world.client.post(f"/demands/{did}/rating", json={"score": 4},
                                    headers=auth("member", c, sub=a))).status_code == 403
    r = await world.client.post(f"/demands/{did}/rating", json={"score": 4, "comment": "很及时，电话13812345678"},
                                headers=auth("resident", c, sub="r2"))
    assert r.status_code == 201
    r = await world.client.post(f"/demands/{did}/rating", json={"score": 3}, headers=auth("resident", c, sub="r2"))
    assert r.status_code == 409 and r.json()["code"] == "already-rated"

    wanted = ["demand.published", "demand.claimed", "demand.claimed", "demand.fulfilled", "demand.verified",
              "demand.fulfilled", "demand.verified", "demand.claim_released", "demand.rated", "demand.closed",
              "demand.rated"]
    events = await world.events("claims.demands.v1", lambda evs: len([e for e in evs if e["subject"] == did])
                                >= len(wanted))
    mine = [e for e in events if e["subject"] == did]
    assert sorted(e["type"].removeprefix("gongjian.") for e in mine) == sorted(wanted)
    for event in mine:
        validate_event(event)  # every one meets its contract
        assert event["communityid"] == c and event["districtid"] == world.district
    by_type = {}
    for e in mine:
        by_type.setdefault(e["type"].removeprefix("gongjian."), []).append(e["data"])
    assert by_type["demand.published"][0]["category"] == "志愿服务"
    assert by_type["demand.published"][0]["community_id"] == c
    assert [v["approved"] for v in by_type["demand.verified"]] == [False, True]
    approved = by_type["demand.verified"][1]
    assert approved == {**approved, "claim_id": ca, "claimant_id": a, "claimant_kind": "member", "hours": 3,
                        "category": "志愿服务", "demand_id": did}
    assert by_type["demand.fulfilled"][1]["beneficiaries"] == 4
    assert by_type["demand.closed"][0]["participants"] == 1 and by_type["demand.closed"][0]["total_hours"] == 3
    assert {r["score"] for r in by_type["demand.rated"]} == {5, 4}
    assert all("13812345678" not in str(r) for r in by_type["demand.rated"])  # personal data never travels
    assert by_type["demand.rated"][0]["claimants"][0]["claimant_id"] == a


async def test_journal_is_the_audit_trail(world):
    c = await world.community()
    a = await world.member(c)
    demand = await world.demand(c, capacity=1)
    claim = (await world.claim(demand["id"], a)).json()["claim_id"]
    await world.client.post(f"/demands/{demand['id']}/claims/{claim}/fulfilment", json={"hours": 1},
                            headers=auth("member", sub=a))
    from gongjian_claims.adapters.journal import history  # noqa: PLC0415

    steps = await history(world.db, claim)
    assert [s["seq"] for s in steps] == [0, 1] and steps[1]["changes"]["status"] == "fulfilled"
