"""Place tree: party organisations and leaders, rename and move with history, refusals."""

from gongjian_registry.bootstrap import build_app
from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import app_client, auth
from helpers import ADMIN, count_type, events_of, small_city


async def test_tree_party_orgs_rename_move_history_and_events(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        grid = (await client.get("/places/g1", headers=ADMIN)).json()
        assert grid["party_org"]["kind"] == "网格党支部"  # 支部建在网格上
        building = (await client.get("/places/b1", headers=ADMIN)).json()
        assert building["party_org"]["kind"] == "楼栋党小组"  # 党小组设在楼栋上
        r = await client.patch("/places/g1", json={"leader": {"name": "张明珠"}}, headers=ADMIN)
        assert r.json()["leader"] == {"name": "张*珠", "member_id": None, "title": "网格长"}
        r = await client.patch("/places/c1", json={"name": "新华路社区"}, headers=ADMIN)
        assert r.status_code == 200 and r.json()["name"] == "新华路社区"
        r = await client.patch("/places/c1", json={"parent_id": "s2"}, headers=ADMIN)  # move to another street
        assert r.json()["path"] == ["c", "d", "s2", "c1"]
        assert (await client.get("/places/b1", headers=ADMIN)).json()["path"] == ["c", "d", "s2", "c1", "g1", "b1"]
        history = (await client.get("/places/c1/history", headers=auth("district_admin", "d"))).json()
        assert [(h["field"], h["old"], h["new"]) for h in history] == [
            ("name", "新华社区", "新华路社区"), ("path", "c/d/s1/c1", "c/d/s2/c1")]
        kids = (await client.get("/places?parent_id=s2", headers=ADMIN)).json()
        assert {p["id"] for p in kids} == {"c1", "c2"}
        bad = await client.patch("/places/c1", json={"parent_id": "c2"}, headers=ADMIN)
        assert bad.status_code == 422 and bad.json()["code"] == "bad-place-move"
        wrong_level = await client.post("/places", json={"kind": "grid", "name": "x", "parent_id": "s1"}, headers=ADMIN)
        assert wrong_level.status_code == 422

    events = await events_of(ns, "registry.places.v1", lambda es: count_type(es, "place.updated") >= 5)
    updated = [e for e in events if e["type"] == "gongjian.place.updated"]
    moves = [e for e in updated if "parent_id" in e["data"]["changes"] or e["data"]["changes"] == ["path"]]
    assert {e["subject"] for e in moves} == {"c1", "g1", "b1"}  # the subtree is re-pathed, each with its own event
    assert all(e["data"]["path"][:3] == ["c", "d", "s2"] for e in moves)
    assert all(e["data"]["previous"]["path"][:3] == ["c", "d", "s1"] for e in moves)
    assert "张明珠" not in str(events)
    for e in events:
        validate_event(e)


async def test_place_refusals(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        other = auth("community_admin", "c2")
        r = await client.post("/places", json={"kind": "grid", "name": "第9网格", "parent_id": "c1"}, headers=other)
        assert r.status_code == 403  # another community's staff
        r = await client.post("/places", json={"kind": "grid", "name": "第9网格", "parent_id": "c1"},
                              headers=auth("member", sub="m1"))
        assert r.status_code == 403  # a member registers no places
        r = await client.patch("/places/c1", json={"parent_id": "s2"}, headers=auth("community_admin", "c1"))
        assert r.status_code == 403  # moving into a street outside one's places
        r = await client.get("/places/c1/history", headers=auth("unit_admin", "unit-x"))
        assert r.status_code == 403
        r = await client.post("/places", json={"kind": "grid", "name": "第2网格", "parent_id": "c1"},
                              headers=auth("community_admin", "c1"))
        assert r.status_code == 201
