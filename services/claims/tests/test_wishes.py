"""Micro-wishes (微心愿): post → approve/reject with reason → claim → fulfil → the resident confirms."""

from __future__ import annotations

from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import auth


async def test_wish_from_post_to_confirmation(world):
    c, other = await world.community(), await world.community()
    member = await world.member(c)
    resident = auth("resident", c, sub="resident-wang")
    staff = auth("community_admin", c)

    assert (await world.client.post("/wishes", json={"community_id": c, "title": "x"},
                                    headers=auth("member", c, sub=member))).status_code == 403
    assert (await world.client.post("/wishes", json={"community_id": c, "title": "x"},
                                    headers=auth("resident", other))).status_code == 403
    r = await world.client.post("/wishes", json={"community_id": c, "title": "给孙子买一套课外书",
                                                 "description": "家住 3 栋 2 单元，电话 13812345678"}, headers=resident)
    assert r.status_code == 201 and r.json()["status"] == "pending"
    wish = r.json()["id"]
    assert (await world.claim(wish, member)).json()["code"] == "demand-not-open"  # not approved yet

    assert (await world.client.post(f"/wishes/{wish}/decision", json={"approved": True},
                                    headers=auth("community_admin", other))).status_code == 403
    r = await world.client.post(f"/wishes/{wish}/decision", json={"approved": True}, headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "open"
    r = await world.client.post(f"/wishes/{wish}/decision", json={"approved": False, "reason": "x"}, headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "wish-already-decided"

    r = await world.client.post(f"/wishes/{wish}/claims", headers=auth("member", sub=member))
    assert r.status_code == 201
    claim = r.json()["claim_id"]
    assert (await world.claim(wish, await world.member(c))).json()["code"] == "demand-full"  # one claimant only
    r = await world.client.post(f"/demands/{wish}/claims/{claim}/fulfilment", json={"hours": 1.5, "beneficiaries": 1},
                                headers=auth("member", sub=member))
    assert r.status_code == 200

    # Only the poster confirms; "not yet" needs a reason and sends it back.
    body = {"claim_id": claim, "satisfied": True}
    assert (await world.client.post(f"/wishes/{wish}/confirmation", json=body,
                                    headers=auth("resident", c, sub="someone-else"))).status_code == 403
    r = await world.client.post(f"/wishes/{wish}/confirmation", json={"claim_id": claim, "satisfied": False},
                                headers=resident)
    assert r.status_code == 422
    r = await world.client.post(f"/wishes/{wish}/confirmation",
                                json={"claim_id": claim, "satisfied": False, "comment": "还差一本字典"}, headers=resident)
    assert r.status_code == 200 and r.json()["status"] == "open"
    await world.client.post(f"/demands/{wish}/claims/{claim}/fulfilment", json={"hours": 2, "beneficiaries": 1},
                            headers=auth("member", sub=member))
    r = await world.client.post(f"/wishes/{wish}/confirmation", json={**body, "comment": "谢谢！"}, headers=resident)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = await world.client.post(f"/demands/{wish}/rating", json={"score": 5, "comment": "暖心"}, headers=resident)
    assert r.status_code == 201
    got = (await world.client.get(f"/wishes/{wish}", headers=resident)).json()
    assert got["status"] == "closed" and got["claims"][0]["status"] == "verified"

    wish_events = await world.events("claims.wishes.v1", lambda evs: sum(e["subject"] == wish for e in evs) >= 2)
    mine = [e for e in wish_events if e["subject"] == wish]
    assert [e["type"] for e in mine] == ["gongjian.wish.posted", "gongjian.wish.approved"]
    assert all("13812345678" not in str(e) and "3 栋" not in str(e) for e in mine)
    demand_events = await world.events("claims.demands.v1", lambda evs: any(
        e["subject"] == wish and e["type"].endswith("demand.rated") for e in evs))
    mine += [e for e in demand_events if e["subject"] == wish]
    for event in mine:
        validate_event(event)
    types = [e["type"].removeprefix("gongjian.") for e in mine]
    assert types.count("demand.verified") == 2 and types.count("demand.closed") == 1
    closed = next(e for e in mine if e["type"].endswith("closed"))
    assert closed["data"]["wish_id"] == wish and closed["data"]["closed_by"] == "resident"
    verified = [e["data"] for e in mine if e["type"].endswith("verified")]
    assert [v["approved"] for v in verified] == [False, True] and verified[1]["verified_by"] == "resident"


async def test_rejected_wish_needs_a_reason(world):
    c = await world.community()
    resident = auth("resident", c, sub="resident-li")
    wish = (await world.client.post("/wishes", json={"community_id": c, "title": "想要一台新电视"},
                                    headers=resident)).json()["id"]
    staff = auth("community_admin", c)
    r = await world.client.post(f"/wishes/{wish}/decision", json={"approved": False}, headers=staff)
    assert r.status_code == 422 and r.json()["code"] == "reason-required"
    r = await world.client.post(f"/wishes/{wish}/decision", json={"approved": False, "reason": "超出微心愿额度"},
                                headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    mine = await world.client.get("/wishes", headers=resident)
    (listed,) = mine.json()["items"]
    assert listed["id"] == wish and listed["reject_reason"] == "超出微心愿额度"
    # The resident's list dates each wish: a refused one was never published, so it needs posted_at.
    assert listed["posted_at"] and listed["decided_at"], listed
    events = await world.events("claims.wishes.v1", lambda evs: any(
        e["subject"] == wish and e["type"].endswith("rejected") for e in evs))
    rejected = next(e for e in events if e["subject"] == wish and e["type"].endswith("rejected"))
    assert rejected["data"]["reason"] == "超出微心愿额度"
