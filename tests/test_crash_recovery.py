"""Nothing lost, nothing counted twice: evaluation killed (SIGKILL) while it works through a backlog."""

from __future__ import annotations

import asyncio

import httpx

from gongjian_shared.testing import ServiceProcess, auth, event_of, eventually, read_topic, start_together

CLAIMANTS = 12


async def _setup_city(client, reg):
    admin, parent = auth("city_admin"), None
    for kind in ("city", "district", "street", "community"):
        r = await client.post(f"{reg}/places", json={"kind": kind, "name": kind, "parent_id": parent}, headers=admin)
        assert r.status_code == 201, r.text
        parent = r.json()["id"]
    return parent


async def test_killed_consumer_loses_nothing_and_counts_nothing_twice(ns):
    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING")
    registry, claims = start_together([ServiceProcess("registry", env), ServiceProcess("claims", env)])
    evaluation = ServiceProcess("evaluation", env)
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            community = await _setup_city(client, registry.url)
            staff = auth("community_admin", community)
            members = []
            for i in range(CLAIMANTS):
                r = await client.post(f"{registry.url}/members", json={"name": f"党员{i}", "home_community_id": community},
                                      headers=staff)
                members.append(r.json()["id"])
                r = await client.post(f"{registry.url}/members/{members[-1]}/reports",
                                      json={"community_id": community, "kind": "home"}, headers=staff)
                assert r.status_code == 201

            async def publish():
                r = await client.post(f"{claims.url}/demands", headers=staff, json={
                    "community_id": community, "category": "志愿服务", "item": "平安巡逻", "title": "夜间平安巡逻",
                    "capacity": CLAIMANTS})
                return r.json() if r.status_code == 201 else None

            demand = await eventually(publish)

            async def claim(member):
                r = await client.post(f"{claims.url}/demands/{demand['id']}/claims", headers=auth("member", sub=member))
                return r.json() if r.status_code == 201 else None

            for member in members:  # while evaluation is down, the verified events pile up on the topic
                c = await eventually(lambda m=member: claim(m))
                r = await client.post(f"{claims.url}/demands/{demand['id']}/claims/{c['claim_id']}/fulfilment",
                                      json={"hours": 2}, headers=auth("member", sub=member))
                assert r.status_code == 200, r.text
                r = await client.post(f"{claims.url}/demands/{demand['id']}/claims/{c['claim_id']}/verification",
                                      json={"approved": True}, headers=staff)
                assert r.status_code == 200, r.text
            await read_topic(ns.infra.kafka_bootstrap, ns.topic("claims.demands.v1"),
                             until=lambda rs: sum(event_of(x)["type"].endswith("verified") for x in rs) >= CLAIMANTS)

            # Start evaluation and kill it hard as soon as it has begun awarding.
            evaluation.start()

            async def some_awarded():
                rs = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.ledger.v1"), min_count=1, timeout=1)
                return bool(rs)

            await eventually(some_awarded, timeout=30, interval=0.05)
            evaluation.stop(kill=True)
            evaluation = ServiceProcess("evaluation", env).start()

            async def all_awarded():
                totals = []
                for member in members:
                    r = await client.get(f"{evaluation.url}/holders/{member}/points", headers=auth("city_admin"))
                    totals.append(r.json()["points"])
                return totals if all(t > 0 for t in totals) else None

            totals = await eventually(all_awarded, timeout=60)
            await asyncio.sleep(2)  # let any redelivered record arrive before counting
            totals = await all_awarded()
            assert totals == [20.0] * CLAIMANTS  # 2 hours × 10 points, once each
            ledger = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.ledger.v1"),
                                      min_count=CLAIMANTS, timeout=20)
            # points.awarded may be re-published after a crash (at least once), but never with new ids
            assert len({event_of(r)["data"]["source_event_id"] for r in ledger}) == CLAIMANTS
    finally:
        for proc in (registry, claims, evaluation):
            proc.stop()


async def test_each_service_documents_itself(ns):
    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING")
    procs = start_together([ServiceProcess(name, env) for name in ("registry", "claims", "evaluation")])
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            for proc, produced in zip(procs, ("registry.members.v1", "claims.demands.v1", "evaluation.ledger.v1"),
                                      strict=True):
                assert (await client.get(f"{proc.url}/healthz")).json()["status"] == "ok"
                ready = (await client.get(f"{proc.url}/readyz")).json()
                assert ready["checks"] == {"mongodb": True, "kafka": True}
                assert (await client.get(f"{proc.url}/openapi.json")).json()["info"]["title"].startswith("共建")
                asyncapi = (await client.get(f"{proc.url}/asyncapi.json")).json()
                addresses = {ch["address"] for ch in asyncapi["channels"].values()}
                assert ns.topic(produced) in addresses
                denied = await client.get(f"{proc.url}/openapi.json".replace("/openapi.json", "/places/x"))
                assert denied.status_code in (401, 404)
                assert denied.headers["content-type"].startswith("application/problem+json")
    finally:
        for proc in procs:
            proc.stop()
