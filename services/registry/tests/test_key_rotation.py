"""Data keys rotate: old ciphertexts still decrypt, new writes use the new key, rekey rewrites the rest."""

import base64
import os

import pytest
from gongjian_registry.adapters.crypto import Vault
from gongjian_registry.bootstrap import build_app
from gongjian_registry.config import RegistrySettings
from gongjian_registry.rekey import rekey
from gongjian_shared.testing import app_client, auth
from helpers import id_number, small_city

NEW = base64.b64encode(os.urandom(32)).decode()


def test_old_ciphertexts_decrypt_and_new_writes_use_the_new_key():
    old = Vault(base64.b64encode(b"o" * 32).decode(), "pk")
    token = old.encrypt("13912345678")
    assert token.startswith("v1:")
    rotated = Vault({"v1": base64.b64encode(b"o" * 32).decode(), "2026-12": NEW}, "pk", current="2026-12")
    assert rotated.decrypt(token) == "13912345678"
    fresh = rotated.encrypt("13912345678")
    assert fresh.startswith("k:2026-12:") and rotated.key_of(fresh) == "2026-12"
    assert rotated.decrypt(fresh) == "13912345678" and not rotated.is_current(token) and rotated.is_current(fresh)
    with pytest.raises(KeyError):  # once the old key is gone, its ciphertexts cannot be read
        Vault({"2026-12": NEW}, "pk").decrypt(token)
    with pytest.raises(ValueError):
        Vault({"v1": NEW}, "pk", current="missing")


async def test_rekey_rewrites_every_member_with_the_current_key(ns, monkeypatch):
    app = build_app()  # the development key, id "v1"
    phones = {}
    async with app_client(app) as client:
        await small_city(client)
        for i in range(5):
            phone = f"1391234{i:04d}"
            r = await client.post("/members", json={"name": f"党员{i}", "home_community_id": "c1", "phone": phone,
                                                    "id_number": id_number(i)}, headers=auth("community_admin", "c1"))
            assert r.status_code == 201, r.text
            phones[r.json()["id"]] = phone
    monkeypatch.setenv("REGISTRY_DATA_KEYS", f'{{"2026-12": "{NEW}"}}')
    monkeypatch.setenv("REGISTRY_DATA_KEY_ID", "2026-12")
    settings = RegistrySettings()
    app = build_app(settings)
    async with app_client(app) as client:
        db, vault = app.state.runtime.db, app.state.vault
        # Before rekey the new instance reads the old values and writes new ones with the new key.
        member = next(iter(phones))
        shown = (await client.get(f"/members/{member}", headers=auth("city_admin"))).json()
        assert shown["phone"] == phones[member][:3] + "****" + phones[member][-4:]
        r = await client.post("/members", json={"name": "新党员", "home_community_id": "c1", "phone": "13700000001"},
                              headers=auth("community_admin", "c1"))
        assert (await db["members"].find_one({"_id": r.json()["id"]}))["phone_enc"].startswith("k:2026-12:")

        first = await rekey(db, vault)
        assert first["rewritten"] == 5 and first["values"] == 10
        async for doc in db["members"].find({"phone_enc": {"$type": "string"}}):
            assert doc["phone_enc"].startswith("k:2026-12:")
            assert doc.get("id_enc") is None or doc["id_enc"].startswith("k:2026-12:")
            if doc["_id"] in phones:
                assert vault.decrypt(doc["phone_enc"]) == phones[doc["_id"]]
        assert (await rekey(db, vault))["rewritten"] == 0
        # The old key can go now: a vault without it reads everything.
        only_new = Vault({"2026-12": NEW}, settings.person_key)
        async for doc in db["members"].find({"phone_enc": {"$type": "string"}}):
            assert only_new.decrypt(doc["phone_enc"])
