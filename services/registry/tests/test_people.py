"""People who sign in through the portal: internal lookups by phone (blind index), service
tokens kept apart from user tokens, residents, and members stored before the index existed."""

from gongjian_registry.bootstrap import build_app
from gongjian_registry.service.people import backfill_phone_index
from gongjian_shared.internal import issue_service_token
from gongjian_shared.settings import DEV_JWT_SECRET
from gongjian_shared.testing import app_client, auth
from helpers import ADMIN, small_city



def service() -> dict[str, str]:
    """A fresh service token each time: they live 5 minutes, and a slow full run reaches these tests
    more than 5 minutes after this module was imported (a module-level token failed CI with 401)."""
    return {"Authorization": f"Bearer {issue_service_token(DEV_JWT_SECRET, 'portal')}"}


async def test_lookup_by_phone_with_service_tokens_only(ns):
    app = build_app()
    async with app_client(app) as client:
        await small_city(client)
        member = (await client.post("/members", headers=ADMIN, json={
            "name": "刘长顺", "home_community_id": "c1", "phone": "13911112222"})).json()
        stored = await app.state.runtime.db["members"].find_one({"_id": member["id"]})
        assert "13911112222" not in str(stored) and len(stored["phone_index"]) == 64

        found = await client.post("/internal/people/lookup", json={"phone": "13911112222"}, headers=service())
        assert found.status_code == 200
        (person,) = found.json()["people"]
        assert (person["id"], person["role"], person["name"]) == (member["id"], "member", "刘长顺")
        assert [p["id"] for p in person["places"]] == ["c1"] and "13911112222" not in found.text
        assert (await client.post("/internal/people/lookup", json={"phone": "13900000000"},
                                  headers=service())).json()["people"] == []

        for user in (ADMIN, auth("member", sub=member["id"]), {}):  # internal endpoints: services only
            r = await client.post("/internal/people/lookup", json={"phone": "13911112222"}, headers=user)
            assert r.status_code == 401
        assert (await client.get("/members/me", headers=service())).status_code == 401  # and no service as a person

        resident = await client.post("/internal/residents", headers=service(),
                                     json={"phone": "13933334444", "name": "赵桂兰", "community_id": "c2"})
        assert resident.status_code == 201 and resident.json()["role"] == "resident"
        again = await client.post("/internal/residents", headers=service(),
                                  json={"phone": "139 3333 4444", "name": "赵桂兰", "community_id": "c2"})
        assert again.status_code == 409
        not_community = await client.post("/internal/residents", headers=service(),
                                          json={"phone": "13955556666", "name": "王五", "community_id": "s1"})
        assert not_community.status_code == 422


async def test_members_stored_before_the_index_get_one(ns):
    app = build_app()
    async with app_client(app) as client:
        await small_city(client)
        db, vault = app.state.runtime.db, app.state.vault
        await db["members"].insert_one({"_id": "member-legacy", "name": "老党员", "kind": "retired", "status": "active",
                                        "home_community_id": "c1", "phone_enc": vault.encrypt("13977778888")})
        await db["counters"].delete_one({"_id": "migration:phone_index"})
        assert await backfill_phone_index(db, vault) == 1
        assert await backfill_phone_index(db, vault) == 0  # once per database
        found = await client.post("/internal/people/lookup", json={"phone": "13977778888"}, headers=service())
        assert [p["id"] for p in found.json()["people"]] == ["member-legacy"]
