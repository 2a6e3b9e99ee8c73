"""Officials read names, not ids or masks (issue 13), each service in its own process.

Names travel on Kafka masked only; evaluation completes an official's list by asking the registry
with the official's own token. Residents and other places keep seeing masked names.
"""

from __future__ import annotations

import httpx

from gongjian_shared.testing import auth, eventually


async def _tree(client: httpx.AsyncClient, reg: str) -> dict[str, str]:
    admin, ids, parent = auth("city_admin"), {}, None
    for kind, name in (("city", "名城市"), ("district", "名城区"), ("street", "名城街道"), ("community", "甲社区")):
        r = await client.post(f"{reg}/places", json={"kind": kind, "name": name, "parent_id": parent}, headers=admin)
        assert r.status_code == 201, r.text
        parent = ids[kind] = r.json()["id"]
    r = await client.post(f"{reg}/places", json={"kind": "community", "name": "乙社区", "parent_id": ids["street"]},
                          headers=admin)
    ids["other"] = r.json()["id"]
    return ids


async def test_officials_read_full_names_others_masked(services):
    reg, ev = services["registry"], services["evaluation"]
    async with httpx.AsyncClient(timeout=30) as client:
        places = await _tree(client, reg)
        staff = auth("community_admin", places["community"])
        r = await client.post(f"{reg}/members", json={"name": "史可法", "home_community_id": places["community"]},
                              headers=staff)
        assert r.status_code == 201, r.text
        member = r.json()["id"]
        r = await client.post(f"{reg}/units", json={"name": "名城区人民法院", "kind": "机关",
                                                   "paired_community_id": places["community"]}, headers=staff)
        assert r.status_code == 201, r.text
        unit = r.json()["id"]

        async def names(headers):
            r = await client.post(f"{reg}/names", json={"ids": [member, unit, "nobody"]}, headers=headers)
            assert r.status_code == 200, r.text
            return r.json()

        assert (await names(staff))["names"] == {member: "史可法", unit: "名城区人民法院"}
        assert (await names(auth("district_admin", places["district"])))["names"][member] == "史可法"
        other = await names(auth("community_admin", places["other"]))
        assert other["names"][member] == "史*法" and other["masked"] == [member]
        assert (await names(auth("resident", places["community"])))["names"][member] == "史*法"
        assert (await names(auth("member", sub=member)))["names"][member] == "史可法"
        extra = await client.post(f"{reg}/names", json={"ids": [member], "all": True}, headers=staff)
        assert extra.status_code == 422

        official = auth("district_admin", places["district"])

        async def year_end():
            r = await client.get(f"{ev}/year-end", params={"place_id": places["community"], "year": 2026},
                                 headers=official)
            return r.json() if r.status_code == 200 and r.json()["members"] and r.json()["units"] else None

        result = await eventually(year_end, timeout=60)  # evaluation learns of them through Kafka
        assert result["members"][0]["name"] == "史可法" and result["units"][0]["name"] == "名城区人民法院"

        # 公示: the published list carries full names, and everyone reads it as published
        r = await client.post(f"{ev}/commendations", json={"place_id": places["community"], "year": 2026, "top": 5},
                              headers=official)
        assert r.status_code == 201, r.text
        listed = await client.get(f"{ev}/commendations", params={"place_id": places["community"]},
                                  headers=auth("member", sub=member))
        assert listed.json()["lists"][0]["members"][0]["name"] == "史可法"
