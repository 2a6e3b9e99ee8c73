"""Idempotency-Key on creating commands, in all three services, each in its own process.

Issue 13: the same ``POST /activities`` body sent four times (two with a key) recorded four
activities. With a key: the first answer again; the same key with another body: 422; a burst of
the same keyed request at once: exactly one effect.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx

from gongjian_shared.testing import auth, eventually


async def _post(client, url, body, headers, key=None):
    return await client.post(url, json=body, headers={**headers, **({"Idempotency-Key": key} if key else {})})


async def test_same_key_replays_the_first_answer_in_every_service(services):
    reg, claims, ev = services["registry"], services["claims"], services["evaluation"]
    admin = auth("city_admin")
    run = uuid.uuid4().hex[:6]  # keys and names of this run
    async with httpx.AsyncClient(timeout=30) as client:
        # registry: a place created once under one key, twice without
        city_name = f"幂等市{run}"
        body = {"kind": "city", "name": city_name, "parent_id": None}
        first = await _post(client, f"{reg}/places", body, admin, f"place-{run}")
        again = await _post(client, f"{reg}/places", body, admin, f"place-{run}")
        assert first.status_code == again.status_code == 201, first.text
        assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
        other = await _post(client, f"{reg}/places", {**body, "name": "另一个市"}, admin, f"place-{run}")
        assert other.status_code == 422 and other.json()["code"] == "idempotency-key-reused"
        assert other.headers["content-type"].startswith("application/problem+json")
        assert "幂等" in other.json()["detail"] or "Idempotency-Key" in other.json()["detail"]
        city = first.json()["id"]
        parent = city
        for kind in ("district", "street", "community"):
            r = await _post(client, f"{reg}/places", {"kind": kind, "name": f"幂等{kind}", "parent_id": parent}, admin)
            assert r.status_code == 201, r.text
            parent = r.json()["id"]
        community = parent
        listed = await client.get(f"{reg}/places", params={"kind": "city"}, headers=admin)
        if listed.status_code == 200:
            names = [p["name"] for p in (listed.json().get("items", listed.json()) if isinstance(listed.json(), dict)
                                         else listed.json())]
            assert names.count(city_name) == 1

        # evaluation: the activity of the issue, four sends, two of them under one key
        staff = auth("community_admin", community)
        members = [f"m-idem-{run}-1", f"m-idem-{run}-2"]
        activity = {"community_id": community, "title": "社区清洁日", "held_at": "2026-01-10T02:00:00Z",
                    "participant_ids": members}

        async def known():  # evaluation learns of the community via Kafka; a 422 before that would be kept
            r = await client.get(f"{ev}/places/{community}/stats", headers=staff)
            return r.status_code == 200

        await eventually(known, timeout=60)
        keyed = await _post(client, f"{ev}/activities", activity, staff, f"act-{run}")
        assert keyed.status_code == 201, keyed.text
        replay = await _post(client, f"{ev}/activities", activity, staff, f"act-{run}")
        assert replay.status_code == 201 and replay.json()["id"] == keyed.json()["id"]
        reused = await _post(client, f"{ev}/activities", {**activity, "title": "另一场活动"}, staff, f"act-{run}")
        assert reused.status_code == 422

        # a burst of the same keyed request at once: one effect, the rest replays or "in flight"
        burst = await asyncio.gather(*(_post(client, f"{ev}/activities", activity, staff, f"act-burst-{run}")
                                       for _ in range(6)))
        created = {r.json()["id"] for r in burst if r.status_code == 201}
        assert len(created) == 1, [r.status_code for r in burst]
        assert all(r.status_code in (201, 409) for r in burst)

        async def points():
            r = await client.get(f"{ev}/holders/{members[0]}/points", headers=auth("city_admin"))
            return r.json() if r.status_code == 200 and len(r.json().get("entries", [])) >= 2 else None

        balance = await eventually(points, timeout=30)
        assert len(balance["entries"]) == 2  # act-1 once, act-burst once

        # claims: a demand published twice under one key is one demand
        demand = {"community_id": community, "category": "志愿服务", "item": "法律咨询", "title": "法律咨询",
                  "capacity": 2}

        async def published():
            r = await _post(client, f"{claims}/demands", demand, staff, f"demand-{run}")
            return r if r.status_code == 201 else None

        first_demand = await eventually(published, timeout=60)
        second = await _post(client, f"{claims}/demands", demand, staff, f"demand-{run}")
        assert second.json()["id"] == first_demand.json()["id"]

        # the header is documented on every creating operation
        for url in (reg, claims, ev):
            spec = (await client.get(f"{url}/openapi.json")).json()
            posts = [op for item in spec["paths"].values() for m, op in item.items() if m == "post"]
            assert posts and all(any(p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
                                 for op in posts)


async def test_bad_key_is_refused(services):
    async with httpx.AsyncClient(timeout=30) as client:
        r = await client.post(f"{services['registry']}/places", json={"kind": "city", "name": "x", "parent_id": None},
                              headers={**auth("city_admin"), "Idempotency-Key": "k" * 300})
        assert r.status_code == 400 and r.json()["code"] == "bad-idempotency-key"
