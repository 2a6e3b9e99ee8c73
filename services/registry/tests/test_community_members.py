"""A community's members (living there, or reported there home or work) are found by
indexed top-level equalities; members who reported before those fields existed get them
from a start-up migration."""

from gongjian_registry.bootstrap import build_app
from gongjian_registry.service.migrations import backfill_report_fields
from gongjian_shared.testing import app_client, auth
from helpers import ADMIN, id_number, small_city


async def _ids(client, community: str) -> list[str]:
    r = await client.get(f"/communities/{community}/members", headers=ADMIN)
    assert r.status_code == 200, r.text
    assert r.json()["count"] == len(r.json()["members"])
    return [m["id"] for m in r.json()["members"]]


async def test_members_of_a_community_by_home_and_by_report(ns):
    app = build_app()
    async with app_client(app) as client:
        await small_city(client)
        unit = (await client.post("/units", json={"name": "同江市人民法院", "kind": "organ", "paired_community_id": "c2"},
                                  headers=ADMIN)).json()["id"]
        ids = []
        for i in range(2):
            r = await client.post("/members", json={"name": f"李{i}", "home_community_id": "c1", "id_number": id_number(i),
                                                    "work_unit_id": unit}, headers=auth("community_admin", "c1"))
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        worker, stay = ids
        r = await client.post(f"/members/{worker}/reports", json={"community_id": "c2", "kind": "work"},
                              headers=auth("member", sub=worker))
        assert r.status_code == 201, r.text
        assert await _ids(client, "c1") == sorted(ids)
        assert await _ids(client, "c2") == [worker]  # reported there for work

        db = app.state.runtime.db
        await db["members"].update_one({"_id": worker}, {"$unset": {"work_report_community_id": ""}})
        assert await _ids(client, "c2") == []  # as stored before the field existed
        await db["counters"].delete_one({"_id": "migration:report_fields"})
        assert await backfill_report_fields(db) == 1
        assert await _ids(client, "c2") == [worker]
        assert await backfill_report_fields(db) == 0  # once per database

        r = await client.post(f"/members/{stay}/reports", json={"community_id": "c1", "kind": "home"},
                              headers=auth("member", sub=stay))
        assert r.status_code == 201
        r = await client.post(f"/members/{stay}/transfer", json={"to_community_id": "c2", "reason": "搬家"},
                              headers=auth("community_admin", "c1"))
        assert r.status_code == 200, r.text
        assert await _ids(client, "c1") == [worker]  # the old home report went with the transfer
        assert await _ids(client, "c2") == sorted(ids)
        assert (await client.get("/communities/c2/members?reported=true&report_kind=work", headers=ADMIN)).json()[
            "members"][0]["id"] == worker
