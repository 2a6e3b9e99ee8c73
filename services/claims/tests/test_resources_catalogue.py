"""The three lists and the catalogue: units offer resources that communities claim (双向认领)."""

from __future__ import annotations

import asyncio
from collections import Counter

from gongjian_shared.testing import auth


async def test_catalogue_ships_5_categories_and_35_items_and_is_managed(world):
    r = await world.client.get("/catalogue", headers=auth("member", sub="m"))
    cat = r.json()
    assert [c["category"] for c in cat["categories"]] == ["困难帮扶", "资金扶持", "志愿服务", "文体服务", "建议意见"]
    assert cat["item_count"] == 35 and all(c["items"] for c in cat["categories"])

    body = {"category": "志愿服务", "name": "垃圾分类指导", "specialty": "环境卫生"}
    assert (await world.client.post("/catalogue/items", json=body,
                                    headers=auth("district_admin", world.district))).status_code == 403
    r = await world.client.post("/catalogue/items", json=body, headers=auth("city_admin"))
    assert r.status_code == 201 and r.json()["id"].startswith("zy-")
    item = r.json()["id"]
    assert (await world.client.post("/catalogue/items", json=body, headers=auth("city_admin"))).status_code == 409
    c = await world.community()
    assert (await world.demand(c, item="垃圾分类指导"))["item_id"] == item
    r = await world.client.patch(f"/catalogue/items/{item}", json={"active": False}, headers=auth("city_admin"))
    assert r.status_code == 200 and r.json()["active"] is False
    r = await world.client.post("/demands", json={"community_id": c, "category": "志愿服务", "item": item,
                                                  "title": "t", "capacity": 1}, headers=auth("community_admin", c))
    assert r.status_code == 422 and r.json()["code"] == "unknown-item"
    listing = (await world.client.get("/catalogue", headers=auth("city_admin"))).json()
    assert listing["item_count"] == 35


async def test_units_offer_resources_communities_claim_them(world):
    c1, c2, c3 = await world.community(), await world.community(), await world.community()
    far = await world.community(street=world.other_street)
    unit = await world.unit(c1, name="市中院")
    unit_admin = auth("unit_admin", unit, sub="unit-admin-1")
    body = {"kind": "venue", "category": "文体服务", "item": "场地设施开放共享", "title": "法院篮球场节假日开放",
            "capacity": 2, "area_id": world.street,
            "opening_hours": [{"weekdays": [6, 7], "opens": "09:00", "closes": "17:00"}]}
    assert (await world.client.post("/resources", json=body, headers=auth("member", sub="m"))).status_code == 403
    r = await world.client.post("/resources", json={**body, "opening_hours": [{"weekdays": [6], "opens": "9点",
                                                                                "closes": "17:00"}]},
                                headers=unit_admin)
    assert r.status_code == 422
    r = await world.client.post("/resources", json=body, headers=unit_admin)
    assert r.status_code == 201, r.text
    resource = r.json()
    assert resource["unit_id"] == unit and resource["slots_left"] == 2 and resource["kind_label"] == "场地设施"

    listed = (await world.client.get("/lists/resources", params={"place_id": c2}, headers=auth("community_admin", c2)))
    assert resource["id"] in [x["id"] for x in listed.json()["items"]]
    hidden = (await world.client.get("/lists/resources", params={"place_id": far}, headers=auth("community_admin", far)))
    assert resource["id"] not in [x["id"] for x in hidden.json()["items"]]

    claim = f"/resources/{resource['id']}/claims"
    r = await world.client.post(claim, json={"community_id": far}, headers=auth("community_admin", far))
    assert r.status_code == 403 and r.json()["reason"] == "outside-area"
    r = await world.client.post(claim, json={"community_id": c2}, headers=auth("community_admin", c1))
    assert r.status_code == 403
    # Two communities race for the venue with a third: capacity 2 holds.
    responses = await asyncio.gather(*[world.client.post(claim, json={"community_id": cid},
                                                         headers=auth("community_admin", cid))
                                       for cid in (c1, c2, c3, c2)])
    assert Counter(r.status_code for r in responses) == {201: 2, 409: 2}
    won = [r.json() for r in responses if r.status_code == 201]
    # The list pages on the service, newest offer first; the full venue is no longer available.
    rooms = [(await world.client.post("/resources", json={**body, "title": f"法院会议室{i}", "area_id": None},
                                      headers=unit_admin)).json()["id"] for i in range(2)]
    mine = {"unit_id": unit, "available_only": "false", "limit": 2}
    pages = [await world.client.get("/resources", params={**mine, "offset": n}, headers=unit_admin) for n in (0, 2)]
    assert [[x["id"] for x in p.json()["items"]] for p in pages] == [rooms[::-1], [resource["id"]]]
    assert [(p.json()["total"], p.headers["x-total-count"]) for p in pages] == [(3, "3")] * 2
    open_to_c2 = (await world.client.get("/resources", params={"unit_id": unit, "place_id": c2},
                                         headers=auth("community_admin", c2))).json()
    assert (open_to_c2["total"], {x["id"] for x in open_to_c2["items"]}) == (2, set(rooms))
    project = won[0]["project"]
    assert project["kind"] == "project" and project["community_id"] == won[0]["community_id"]

    # The unit serves the project; the claiming community verifies it.
    detail = (await world.client.get(f"/demands/{project['id']}", headers=unit_admin)).json()
    assert detail["claims"][0]["claimant_id"] == unit and detail["claims"][0]["via"] == "resource"
    claim_id = detail["claims"][0]["claim_id"]
    r = await world.client.post(f"/demands/{project['id']}/claims/{claim_id}/fulfilment",
                                json={"hours": 8, "beneficiaries": 60}, headers=unit_admin)
    assert r.status_code == 200, r.text
    r = await world.client.post(f"/demands/{project['id']}/claims/{claim_id}/verification", json={"approved": True},
                                headers=auth("community_admin", project["community_id"]))
    assert r.status_code == 200

    projects = await world.client.get("/lists/projects", params={"place_id": project["community_id"]},
                                      headers=auth("community_admin", project["community_id"]))
    assert project["id"] in [p["id"] for p in projects.json()["items"]]
    after = (await world.client.get(f"/resources/{resource['id']}", headers=unit_admin)).json()
    assert after["slots_left"] == 0 and len(after["claimed_by"]) == 2
    # The unit follows each claim into the project it became, with its state (issue 15's unit desk).
    became = {c["project_id"]: c for c in after["claimed_by"]}
    assert became[project["id"]]["project_stage_label"] == "已核验待销号", became
    assert became[project["id"]]["community_name"] == project["community_name"]
    other = next(p for p in became if p != project["id"])
    assert became[other]["project_stage_label"] == "已认领", became  # the unit holds it, not yet served

    events = await world.events("claims.demands.v1", lambda evs: any(
        e["subject"] == project["id"] and e["type"].endswith("verified") for e in evs))
    unique = {e["id"]: e for e in events if e["subject"] == project["id"]}  # at-least-once: by id
    kinds = [e["type"].removeprefix("gongjian.") for e in unique.values()]
    assert kinds == ["demand.published", "demand.claimed", "demand.fulfilled", "demand.verified"], kinds


async def test_needs_list_and_unit_claims_a_need(world):
    c = await world.community()
    unit = await world.unit(c, name="市供电公司")
    need = await world.demand(c, category="资金扶持", item="基础设施改造资助", title="老旧小区路灯改造",
                              claimant_kinds=["unit"], capacity=1)
    needs = (await world.client.get("/lists/needs", params={"place_id": c}, headers=auth("unit_admin", unit))).json()
    assert need["id"] in [n["id"] for n in needs["items"]]
    r = await world.client.post(f"/demands/{need['id']}/claims", headers=auth("unit_admin", unit))
    assert r.status_code == 201 and r.json()["claimant_kind"] == "unit"
    needs = (await world.client.get("/lists/needs", params={"place_id": c}, headers=auth("unit_admin", unit))).json()
    assert [n["slots_left"] for n in needs["items"] if n["id"] == need["id"]] == [0]
    projects = (await world.client.get("/lists/projects", params={"place_id": c}, headers=auth("unit_admin", unit)))
    assert [p["id"] for p in projects.json()["items"]] == [need["id"]]  # taken on: now a project
    # A street's project list reads its communities' claims by community id (indexed), not by path.
    street = (await world.client.get("/lists/projects", params={"place_id": world.street},
                                     headers=auth("unit_admin", unit))).json()
    assert need["id"] in [p["id"] for p in street["items"]]
    elsewhere = (await world.client.get("/lists/projects", params={"place_id": world.other_street},
                                        headers=auth("unit_admin", unit))).json()
    assert need["id"] not in [p["id"] for p in elsewhere["items"]]
