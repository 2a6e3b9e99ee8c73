"""Suggestions (意见建议): intake, triage, assignment (领办/代办/上门), resolution, counts per community."""

from __future__ import annotations

from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import auth


async def test_suggestion_flow_roles_events_and_counts(world):
    street = f"street-s-{id(world) % 1000}"
    await world.registry("registry.places.v1", "place.created", street, {
        "place_id": street, "kind": "street", "name": "意见街道", "parent_id": world.district,
        "path": [world.city, world.district, street]})
    c1, c2 = await world.community(street=street), await world.community(street=street)
    unit = await world.unit(c1)
    resident = auth("resident", c1, sub="resident-zhao")
    staff = auth("community_admin", c1)

    async def post(community, who):
        r = await world.client.post("/suggestions", json={"community_id": community, "title": "小区路灯不亮",
                                                         "content": "5 栋门口路灯坏了一个月"}, headers=who)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    assert (await world.client.post("/suggestions", json={"community_id": c2, "title": "x"},
                                    headers=resident)).status_code == 403
    s1 = await post(c1, resident)
    s2 = await post(c1, auth("resident", c1, sub="resident-qian"))
    s3 = await post(c2, auth("resident", c2, sub="resident-sun"))

    assert (await world.client.post(f"/suggestions/{s1}/triage", json={"topic": "设施维修"},
                                    headers=auth("community_admin", c2))).status_code == 403
    r = await world.client.post(f"/suggestions/{s1}/triage", json={"topic": "不存在"}, headers=staff)
    assert r.status_code == 422
    r = await world.client.post(f"/suggestions/{s1}/triage", json={"topic": "设施维修", "urgency": "urgent"},
                                headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "triaged"
    r = await world.client.post(f"/suggestions/{s1}/assignment", json={"mode": "飞书", "assignee_id": unit},
                                headers=staff)
    assert r.status_code == 422
    for kind in ("unit", "member"):  # an id claims has never heard of (its registry projections): refused in Chinese
        r = await world.client.post(f"/suggestions/{s1}/assignment", json={
            "mode": "领办", "assignee_id": f"{kind}-nobody", "assignee_kind": kind}, headers=staff)
        assert r.status_code == 422 and r.json()["code"] == "unknown-assignee" and "承办方不存在" in r.json()["detail"], r.text
    r = await world.client.post(f"/suggestions/{s1}/assignment",
                                json={"mode": "领办", "assignee_id": unit, "assignee_kind": "unit"}, headers=staff)
    assert r.status_code == 200 and r.json()["mode"] == "take_charge"

    # The assignee (the unit) resolves it; a stranger may not.
    body = {"outcome": "resolved", "note": "已更换灯具"}
    assert (await world.client.post(f"/suggestions/{s1}/resolution", json=body,
                                    headers=auth("unit_admin", "unit-other"))).status_code == 403
    r = await world.client.post(f"/suggestions/{s1}/resolution", json=body, headers=auth("unit_admin", unit))
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert (await world.client.post(f"/suggestions/{s1}/resolution", json=body, headers=staff)).status_code == 409
    r = await world.client.post(f"/suggestions/{s2}/assignment",
                                json={"mode": "home_visit", "assignee_id": "official-1"}, headers=staff)
    assert r.status_code == 200

    assert (await world.client.get("/suggestions/stats", params={"place_id": street},
                                   headers=auth("community_admin", c1))).status_code == 403
    stats = (await world.client.get("/suggestions/stats", params={"place_id": street},
                                    headers=auth("district_admin", world.district))).json()
    rows = {r["community_id"]: r for r in stats["communities"]}
    assert rows[c1] == {"community_id": c1, "received": 2, "assigned": 1, "resolved": 1, "open": 1}
    assert rows[c2]["received"] == 1 and rows[c2]["resolved"] == 0
    assert stats["totals"] == {"received": 3, "assigned": 1, "resolved": 1, "open": 2}
    listed = (await world.client.get("/suggestions", params={"place_id": c1, "status": "resolved"},
                                     headers=staff)).json()
    assert [s["id"] for s in listed["items"]] == [s1]
    mine = await world.client.get(f"/suggestions/{s3}", headers=auth("resident", c2, sub="resident-sun"))
    assert mine.status_code == 200
    assert (await world.client.get(f"/suggestions/{s3}", headers=resident)).status_code == 403
    # Another resident or a member of the same community may not read it; its author and staff may.
    for neighbour in (auth("resident", c2, sub="resident-li"), auth("member", c2, sub="member-li")):
        assert (await world.client.get(f"/suggestions/{s3}", headers=neighbour)).status_code == 403
    assert (await world.client.get(f"/suggestions/{s3}", headers=auth("community_admin", c2))).status_code == 200

    events = await world.events("claims.suggestions.v1", lambda evs: sum(
        e["subject"] in (s1, s2, s3) for e in evs) >= 6)
    ours = [e for e in events if e["subject"] in (s1, s2, s3)]
    for event in ours:
        validate_event(event)
        assert "路灯坏了" not in str(event["data"])  # the resident's text stays here
    assert [e["type"].removeprefix("gongjian.") for e in ours if e["subject"] == s1] == \
        ["suggestion.received", "suggestion.assigned", "suggestion.resolved"]
    assigned = next(e for e in ours if e["subject"] == s1 and e["type"].endswith("assigned"))
    assert assigned["data"]["mode_label"] == "领办" and assigned["data"]["topic"] == "设施维修"
