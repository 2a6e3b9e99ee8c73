"""Claim rules: who may claim, capacity, per-claimant limit, window; 201/409/403 with reasons."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from gongjian_shared.testing import auth, eventually


def _problem(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code, body
    assert "(" in body["detail"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # 中文 (english)
    return body


async def test_capacity_duplicates_and_release(world):
    c = await world.community()
    a, b, d = [await world.member(c) for _ in range(3)]
    demand = await world.demand(c, capacity=2)
    first = await world.claim(demand["id"], a)
    assert first.status_code == 201 and first.json()["claimant_kind"] == "member"
    _problem(await world.claim(demand["id"], a), 409, "already-claimed")
    assert (await world.claim(demand["id"], b)).status_code == 201
    _problem(await world.claim(demand["id"], d), 409, "demand-full")

    # Releasing frees the slot; only the claimant may release.
    claim_id = first.json()["claim_id"]
    r = await world.client.post(f"/demands/{demand['id']}/claims/{claim_id}/release", headers=auth("member", sub=b))
    _problem(r, 403, "not-your-claim")
    r = await world.client.post(f"/demands/{demand['id']}/claims/{claim_id}/release", headers=auth("member", sub=a))
    assert r.status_code == 200 and r.json()["status"] == "released"
    assert (await world.claim(demand["id"], d)).status_code == 201
    got = (await world.client.get(f"/demands/{demand['id']}", headers=auth("member", sub=a))).json()
    assert got["slots_left"] == 0 and sorted(c["status"] for c in got["claims"]) == ["claimed", "claimed", "released"]


async def test_who_may_claim_place_kind_and_specialty(world):
    c, sibling = await world.community(), await world.community()
    elsewhere = await world.community(street=world.other_street)
    here, neighbour, far = await world.member(c), await world.member(sibling), await world.member(elsewhere)
    lawyer = await world.member(sibling, specialties=("法律",))
    unknown = "member-never-reported"

    demand = await world.demand(c, capacity=5)
    assert _problem(await world.claim(demand["id"], neighbour), 403, "not-eligible")["reason"] == "not-reported"
    assert _problem(await world.claim(demand["id"], unknown), 403, "not-eligible")["reason"] == "unknown-claimant"
    assert (await world.claim(demand["id"], here)).status_code == 201

    # Street scope with a required specialty: any community of the street, but only lawyers.
    street_wide = await world.demand(c, scope="street", required_specialties=["法律"], capacity=5)
    assert _problem(await world.claim(street_wide["id"], neighbour), 403, "not-eligible")["reason"] == \
        "missing-specialty"
    assert (await world.claim(street_wide["id"], lawyer)).status_code == 201
    assert _problem(await world.claim(street_wide["id"], far), 403, "not-eligible")["reason"] == "not-in-street"

    # Units only: a member is refused, the unit paired with the community may claim.
    unit = await world.unit(c)
    stranger_unit = await world.unit(elsewhere)
    for_units = await world.demand(c, claimant_kinds=["unit"], category="资金扶持", item="社区活动经费支持")
    assert _problem(await world.claim(for_units["id"], here), 403, "not-eligible")["reason"] == "kind-not-accepted"
    r = await world.client.post(f"/demands/{for_units['id']}/claims", headers=auth("unit_admin", unit, sub="u-admin"))
    assert r.status_code == 201 and r.json()["claimant_kind"] == "unit" and r.json()["claimant_id"] == unit
    r = await world.client.post(f"/demands/{for_units['id']}/claims", headers=auth("unit_admin", stranger_unit))
    _problem(r, 403, "not-eligible")

    # Residents and officials do not claim.
    r = await world.client.post(f"/demands/{demand['id']}/claims", headers=auth("resident", c))
    assert r.status_code == 403


async def test_deactivated_member_may_not_claim(world):
    c = await world.community()
    member = await world.member(c)
    await world.registry("registry.members.v1", "member.deactivated", member, {"member_id": member})

    async def inactive():
        doc = await world.db["members"].find_one({"_id": member})
        return doc.get("active") is False

    await eventually(inactive)
    demand = await world.demand(c)
    assert _problem(await world.claim(demand["id"], member), 403, "not-eligible")["reason"] == "claimant-inactive"


async def test_community_rules_and_per_demand_override(world):
    c = await world.community()
    other = await world.community()
    r = await world.client.put(f"/communities/{c}/claim-rules", json={"scope": "street", "max_open_claims": 2},
                               headers=auth("community_admin", other))
    assert r.status_code == 403
    r = await world.client.put(f"/communities/{c}/claim-rules", json={"scope": "street", "max_open_claims": 2},
                               headers=auth("community_admin", c))
    assert r.status_code == 200 and r.json()["effective"]["scope"] == "street"

    neighbour = await world.member(other)
    by_default = await world.demand(c)
    assert by_default["rules"]["scope"] == "street" and by_default["rules"]["max_open_claims"] == 2
    assert (await world.claim(by_default["id"], neighbour)).status_code == 201
    overridden = await world.demand(c, scope="community")
    assert _problem(await world.claim(overridden["id"], neighbour), 403, "not-eligible")["reason"] == "not-reported"

    # max 2 open claims per claimant: the third is refused until one is released.
    second = await world.demand(c)
    third = await world.demand(c)
    ok = await world.claim(second["id"], neighbour)
    assert ok.status_code == 201
    _problem(await world.claim(third["id"], neighbour), 409, "claim-limit-reached")
    await world.client.post(f"/demands/{second['id']}/claims/{ok.json()['claim_id']}/release",
                            headers=auth("member", sub=neighbour))
    assert (await world.claim(third["id"], neighbour)).status_code == 201


async def test_claim_window(world):
    c = await world.community()
    member = await world.member(c)
    now = datetime.now(UTC)
    later = await world.demand(c, claim_opens_at=(now + timedelta(hours=1)).isoformat(),
                               due_at=(now + timedelta(days=2)).isoformat())
    _problem(await world.claim(later["id"], member), 409, "claim-window-not-open")
    # The deadline lies far enough ahead that publishing on a loaded machine does not pass it;
    # the test then waits on the clock (not a fixed sleep) until it has passed.
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    closing = await world.demand(c, claim_deadline=deadline.isoformat(), due_at=(now + timedelta(days=2)).isoformat())
    while datetime.now(UTC) <= deadline + timedelta(milliseconds=100):
        await asyncio.sleep(0.2)
    _problem(await world.claim(closing["id"], member), 409, "claim-window-closed")

    # Bad windows and deadlines are precise 422s.
    r = await world.client.post("/demands", json={"community_id": c, "category": "志愿服务", "item": "法律咨询",
                                                  "title": "x", "capacity": 1,
                                                  "due_at": (now - timedelta(days=1)).isoformat()},
                                headers=auth("community_admin", c))
    assert r.status_code == 422 and r.json()["code"] == "bad-deadline"
    # Claims may not stay open after the work is due.
    r = await world.client.post("/demands", json={"community_id": c, "category": "志愿服务", "item": "法律咨询",
                                                  "title": "x", "capacity": 1,
                                                  "claim_deadline": (now + timedelta(days=20)).isoformat(),
                                                  "due_at": (now + timedelta(days=5)).isoformat()},
                                headers=auth("community_admin", c))
    assert r.status_code == 422 and r.json()["code"] == "bad-claim-window", r.text


async def test_publish_needs_the_right_official_and_a_catalogue_item(world):
    c, other = await world.community(), await world.community()
    body = {"community_id": c, "category": "志愿服务", "item": "法律咨询", "title": "t", "capacity": 1}
    assert (await world.client.post("/demands", json=body, headers=auth("community_admin", other))).status_code == 403
    assert (await world.client.post("/demands", json=body, headers=auth("member", c))).status_code == 403
    assert (await world.client.post("/demands", json=body, headers=auth("district_admin", world.district))
            ).status_code == 201
    r = await world.client.post("/demands", json={**body, "item": "不存在的项目"}, headers=auth("community_admin", c))
    assert r.status_code == 422 and r.json()["code"] == "unknown-item"
    r = await world.client.post("/demands", json={**body, "category": "别的"}, headers=auth("community_admin", c))
    assert r.status_code == 422 and r.json()["code"] == "unknown-category"
    r = await world.client.post("/demands", json={**body, "community_id": "nowhere"}, headers=auth("city_admin"))
    assert r.status_code == 422 and r.json()["code"] == "unknown-community"
