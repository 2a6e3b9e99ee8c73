"""Issue 14 point 1: officials release (收回) or hand over (转交) a claim; a silent claimant no longer blocks 销号."""

from __future__ import annotations

from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import auth


async def _notes(world, who: dict) -> list[dict]:
    return (await world.client.get("/notifications", headers=who)).json()["items"]


async def test_official_releases_a_silent_claim_and_the_need_can_be_closed(world):
    c, other = await world.community(), await world.community()
    silent = await world.member(c)
    staff = auth("community_admin", c)
    demand = await world.demand(c, capacity=1)
    did = demand["id"]
    r = await world.client.post(f"/demands/{did}/closure", headers=staff)  # no claim at all: not 已办结
    assert r.status_code == 409 and r.json()["code"] == "nothing-verified"
    claim_id = (await world.claim(did, silent)).json()["claim_id"]
    url = f"/demands/{did}/claims/{claim_id}/revocation"

    # Today's trap: the claimant never comes back and the need cannot be closed.
    r = await world.client.post(f"/demands/{did}/closure", headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "claims-unfinished"

    # Who may: officials of the place only, and a reason is required (Chinese problem details).
    assert (await world.client.post(url, json={"reason": "长期未联系"}, headers=auth("member", sub=silent))
            ).status_code == 403
    assert (await world.client.post(url, json={"reason": "长期未联系"}, headers=auth("community_admin", other))
            ).status_code == 403
    r = await world.client.post(url, json={"reason": "  "}, headers=staff)
    assert r.status_code == 422 and "原因" in r.json()["detail"]

    street = auth("community_admin", world.street)  # a street official acts for its communities
    r = await world.client.post(url, json={"reason": "认领后两周未联系居民"}, headers=street)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "released" and r.json()["released_by"] == "official"
    assert r.json()["release_reason"] == "认领后两周未联系居民"
    again = await world.client.post(url, json={"reason": "再次收回"}, headers=staff)
    assert again.status_code == 409 and again.json()["code"] == "bad-claim-state"

    notes = [n for n in await _notes(world, auth("member", sub=silent)) if n["subject_id"] == did]
    assert [n["kind"] for n in notes] == ["claim.released"] and "认领后两周未联系居民" in notes[0]["text"]

    events = await world.events("claims.demands.v1", lambda evs: any(
        e["subject"] == did and e["type"].endswith("claim_released") for e in evs), timeout=60)
    released = [e for e in events if e["subject"] == did and e["type"].endswith("claim_released")]
    assert len(released) == 1 and released[0]["data"]["released_by"] == "official"
    validate_event(released[0])

    # The place is free again. Nobody served, so 销号 (counted as 已办结) is refused, pointing to 撤回.
    assert (await world.client.get(f"/demands/{did}", headers=staff)).json()["slots_left"] == 1
    r = await world.client.post(f"/demands/{did}/closure", headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "nothing-verified" and "撤回" in r.json()["detail"]
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await world.client.post(f"/demands/{did}/withdrawal", json={"reason": "居民已另行解决"}, headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


async def test_hand_over_to_another_member_keeps_the_place_and_notifies_both(world):
    c, elsewhere = await world.community(), await world.community(world.other_street)
    old, new, far = await world.member(c), await world.member(c), await world.member(elsewhere)
    staff = auth("community_admin", c)
    demand = await world.demand(c, capacity=1)
    did = demand["id"]
    old_claim = (await world.claim(did, old)).json()["claim_id"]
    url = f"/demands/{did}/claims/{old_claim}/handover"

    r = await world.client.post(url, json={"to_id": old, "reason": "换人"}, headers=staff)
    assert r.status_code == 422 and r.json()["code"] == "handover-to-same-claimant"
    r = await world.client.post(url, json={"to_id": far, "reason": "换人"}, headers=staff)
    assert r.status_code == 422 and r.json()["code"] == "handover-target-not-eligible"
    assert "未到该社区报到" in r.json()["detail"]
    r = await world.client.post(url, json={"to_id": new, "to_kind": "单位", "reason": "换人"}, headers=staff)
    assert r.status_code == 422 and r.json()["reason"] == "kind-not-accepted"

    r = await world.client.post(url, json={"to_id": new, "to_kind": "党员", "reason": "原认领人外出，转交同楼栋党员"},
                                headers=staff)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["released"]["status"] == "released" and body["released"]["handed_over_to"] == new
    new_claim = body["claim"]
    assert new_claim["claimant_id"] == new and new_claim["via"] == "handover"
    assert new_claim["handed_over_from"] == old_claim

    # The place passed straight on: still full (nobody else slipped in), the old claimant may not act.
    assert (await world.client.get(f"/demands/{did}", headers=staff)).json()["slots_left"] == 0
    assert (await world.claim(did, far)).status_code in (403, 409)
    r = await world.client.post(f"/demands/{did}/claims/{old_claim}/fulfilment", json={"hours": 1},
                                headers=auth("member", sub=old))
    assert r.status_code == 409

    for member, text in ((old, "已由工作人员转交他人"), (new, "已由工作人员转交给您")):
        notes = [n for n in await _notes(world, auth("member", sub=member)) if n["subject_id"] == did]
        assert len(notes) == 1 and notes[0]["kind"] == "claim.handed_over" and text in notes[0]["text"]

    events = await world.events("claims.demands.v1", lambda evs: any(
        e["subject"] == did and e["type"].endswith("claimed") and e["data"]["via"] == "handover" for e in evs),
        timeout=60)
    mine = [e for e in events if e["subject"] == did and not e["type"].endswith("published")]
    assert [e["type"].removeprefix("gongjian.") for e in mine] == ["demand.claimed", "demand.claim_released",
                                                                   "demand.claimed"]
    assert mine[1]["data"]["handed_over_to"] == new and mine[2]["data"]["handed_over_from"] == old_claim
    for event in mine:
        validate_event(event)

    # The new claimant serves, is verified, and the need closes with them as the participant.
    base = f"/demands/{did}/claims/{new_claim['claim_id']}"
    assert (await world.client.post(f"{base}/fulfilment", json={"hours": 2}, headers=auth("member", sub=new))
            ).status_code == 200
    assert (await world.client.post(f"{base}/verification", json={"approved": True}, headers=staff)).status_code == 200
    r = await world.client.post(f"/demands/{did}/closure", headers=staff)
    assert r.status_code == 200 and r.json()["totals"]["participants"] == 1


async def test_hand_over_to_a_unit_and_refusals(world):
    c = await world.community()
    member, holder = await world.member(c), await world.member(c)
    unit = await world.unit(c)
    staff = auth("community_admin", c)
    demand = await world.demand(c, capacity=2, claimant_kinds=["member", "unit"])
    did = demand["id"]
    first = (await world.claim(did, member)).json()["claim_id"]
    assert (await world.claim(did, holder)).status_code == 201
    url = f"/demands/{did}/claims/{first}/handover"

    r = await world.client.post(url, json={"to_id": holder, "reason": "换人"}, headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "already-claimed"
    r = await world.client.post(url, json={"reason": "换人"}, headers=staff)
    assert r.status_code == 422 and "接收方" in r.json()["detail"]

    r = await world.client.post(url, json={"to_id": unit, "to_kind": "unit", "reason": "由结对单位承接"}, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["claim"]["claimant_kind"] == "unit"
    notes = await _notes(world, auth("unit_admin", unit))
    assert any(n["kind"] == "claim.handed_over" and n["subject_id"] == did for n in notes)
    r = await world.client.post(url, json={"to_id": holder, "reason": "换人"}, headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "bad-claim-state"
