"""The foundation flow end to end, each service in its own process on real Kafka and DB.

community → member → report (member.reported) → claims learns of it → demand (capacity 2)
→ claim → fulfil 3 h → verify → evaluation awards points exactly once → points over HTTP.
"""

from __future__ import annotations

import asyncio

import httpx

from gongjian_shared.testing import auth, event_of, eventually, read_topic


async def _city(client: httpx.AsyncClient, reg: str) -> str:
    admin = auth("city_admin")
    ids = {}
    parent = None
    for kind in ("city", "district", "street", "community"):
        r = await client.post(f"{reg}/places", json={"kind": kind, "name": f"测试{kind}", "parent_id": parent},
                              headers=admin)
        assert r.status_code == 201, r.text
        parent = ids[kind] = r.json()["id"]
    return ids["community"]


async def test_member_reports_claims_serves_and_earns_points_once(ns, services):
    reg, claims, ev = services["registry"], services["claims"], services["evaluation"]
    async with httpx.AsyncClient(timeout=20) as client:
        community = await _city(client, reg)
        staff = auth("community_admin", community)

        members = []
        for name in ("张三珠", "李四", "王五"):
            r = await client.post(f"{reg}/members", json={"name": name, "home_community_id": community,
                                                         "specialties": ["法律"]}, headers=staff)
            assert r.status_code == 201, r.text
            assert r.json()["name"] != name  # shown masked
            members.append(r.json()["id"])
        for m in members:
            r = await client.post(f"{reg}/members/{m}/reports", json={"community_id": community, "kind": "home"},
                                  headers=auth("member", sub=m))
            assert r.status_code == 201, r.text
            assert r.json()["receipt_no"].startswith("BD-")

        demand_body = {"community_id": community, "category": "志愿服务", "item": "法律咨询",
                       "title": "周末法律咨询", "capacity": 2}

        async def publish():
            r = await client.post(f"{claims}/demands", json=demand_body, headers=staff)
            return r if r.status_code == 201 else None  # claims may not have seen the community yet

        demand = (await eventually(publish)).json()
        first, second, third = members

        async def claim_as(member):
            return await client.post(f"{claims}/demands/{demand['id']}/claims", headers=auth("member", sub=member))

        async def first_claim():  # the member.reported event reaches claims asynchronously
            r = await claim_as(first)
            return r if r.status_code == 201 else None

        claim = (await eventually(first_claim)).json()
        again = await claim_as(first)
        assert again.status_code == 409 and again.json()["code"] == "already-claimed"
        assert again.headers["content-type"].startswith("application/problem+json")
        await eventually(lambda: _claim_ok(claim_as, second))
        full = await claim_as(third)
        assert full.status_code == 409 and full.json()["code"] == "demand-full", full.text

        outsider = await client.post(f"{claims}/demands/{demand['id']}/claims", headers=auth("member", sub="nobody"))
        assert outsider.status_code == 403

        r = await client.post(f"{claims}/demands/{demand['id']}/claims/{claim['claim_id']}/fulfilment",
                              json={"hours": 3, "note": "咨询 12 人次"}, headers=auth("member", sub=first))
        assert r.status_code == 200, r.text
        r = await client.post(f"{claims}/demands/{demand['id']}/claims/{claim['claim_id']}/verification",
                              json={"approved": True}, headers=staff)
        assert r.status_code == 200, r.text

        async def points():
            r = await client.get(f"{ev}/holders/{first}/points", headers=auth("member", sub=first))
            assert r.status_code == 200
            return r.json() if r.json()["points"] > 0 else None

        balance = await eventually(points)
        assert balance["points"] == 30 and len(balance["entries"]) == 1

    # The records on the topics, as a dashboard would see them.
    reported = await read_topic(ns.infra.kafka_bootstrap, ns.topic("registry.members.v1"),
                                until=lambda rs: sum(event_of(r)["type"] == "gongjian.member.reported" for r in rs) >= 3)
    assert {event_of(r)["data"]["member_id"] for r in reported if event_of(r)["type"].endswith("reported")} == set(members)
    assert all(r.key.decode() == event_of(r)["subject"] for r in reported)
    demand_events = await read_topic(ns.infra.kafka_bootstrap, ns.topic("claims.demands.v1"),
                                     until=lambda rs: any(event_of(r)["type"].endswith("verified") for r in rs))
    types = [event_of(r)["type"] for r in demand_events]
    assert types.count("gongjian.demand.claimed") == 2 and "gongjian.demand.fulfilled" in types
    awarded = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.ledger.v1"), min_count=1)
    await asyncio.sleep(1.0)
    awarded = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.ledger.v1"), min_count=1, timeout=3)
    assert len(awarded) == 1
    award = event_of(awarded[0])
    verified = next(event_of(r) for r in demand_events if event_of(r)["type"].endswith("verified"))
    assert award["data"]["source_event_id"] == verified["id"] and award["causationid"] == verified["id"]
    assert award["data"]["points"] == 30


async def _claim_ok(claim_as, member):
    r = await claim_as(member)
    return r.status_code == 201
