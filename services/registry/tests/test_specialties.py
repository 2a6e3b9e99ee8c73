"""Issue 14 point 5: the registry's specialty list is the one vocabulary claims checks against (消防 included)."""

from gongjian_registry.bootstrap import build_app
from gongjian_shared.contracts import vocabulary
from gongjian_shared.testing import app_client, auth
from helpers import ADMIN, small_city


async def test_the_registry_knows_the_whole_vocabulary(ns):
    async with app_client(build_app()) as client:
        await small_city(client)
        listed = (await client.get("/specialties", headers=ADMIN)).json()
        assert set(vocabulary("specialties")) <= set(listed)
        staff = auth("community_admin", "c1")
        r = await client.post("/members", json={"name": "王志刚", "home_community_id": "c1", "specialties": ["消防"]},
                              headers=staff)
        assert r.status_code == 201, r.text
        r = await client.post("/teams", json={"name": "消防安全服务队", "specialty": "消防", "community_id": "c1"},
                              headers=staff)
        assert r.status_code == 201, r.text
        r = await client.post("/members", json={"name": "李四", "home_community_id": "c1", "specialties": ["炼金"]},
                              headers=staff)
        assert r.status_code == 422 and "可选专长" in r.json()["detail"] and "消防" in r.json()["detail"]
