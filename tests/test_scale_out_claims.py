"""Issue 10.1 for claims: its consumers as 1..3 instances in one consumer group, one killed (SIGKILL) mid-flow.

Claims consumes the registry's places, members and units (projections, in batches) and its
own notices (delivery to the in-app inbox, once per notice). Real processes on the real broker
and database, 6-partition topics. The group grows from one instance to three, one is killed
while batches are in flight, the flow goes on (with some events published twice), another
instance joins. Then the projections hold every member with exactly the reports sent — the
last word of each member, nothing lost — and every notice is in the inbox and delivered
exactly once (nothing twice). Time-based work of several claims instances: test_supervision,
test_idle_claims and test_inspections (each job once across two instances), and
services/claims/tests/test_supervision_kill.py (three processes, the one holding a lease killed).
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from gongjian_shared.admin import ensure_topics
from gongjian_shared.testing import ServiceProcess, eventually, start_together
from gongjian_shared.topics import CLAIMS_NOTICES, REGISTRY_MEMBERS, REGISTRY_PLACES
from pymongo import AsyncMongoClient

MEMBERS = 60
PARTITIONS = 6
READY_S = 150  # a service start on a loaded 2-core machine
COMMUNITIES = ("c1", "c2", "c3")
PATH = ["city", "d1", "s1"]


def event(type_: str, subject: str, data: dict) -> dict:
    source = "gongjian/claims" if type_.startswith("notice.") else "gongjian/registry"
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source, "type": f"gongjian.{type_}",
            "subject": subject, "time": "2026-11-30T08:00:00Z", "datacontenttype": "application/json", "data": data}


def places() -> list[dict]:
    tree = [("city", "city", None), ("d1", "district", "city"), ("s1", "street", "d1")]
    tree += [(c, "community", "s1") for c in COMMUNITIES]
    return [event("place.created", pid, {"place_id": pid, "kind": kind, "name": pid, "parent_id": parent,
                                         "path": (PATH[:PATH.index(pid) + 1] if pid in PATH else [*PATH, pid])})
            for pid, kind, parent in tree]


def registered(member: str) -> dict:
    return event("member.registered", member, {"member_id": member, "name_masked": "张*", "kind": "in_service",
                                               "specialties": ["法律"]})


def reported(member: str, community: str, kind: str) -> dict:
    return event("member.reported", member, {"member_id": member, "community_id": community, "kind": kind})


def notice(n: int, member: str) -> dict:
    notice_id = f"demand-{n}:remind|{member}"
    return event("notice.issued", notice_id, {"notice_id": notice_id, "recipient_id": member, "recipient_kind": "member",
                                              "kind": "demand.remind", "subject_id": f"demand-{n}", "text": "到期提醒",
                                              "community_id": "c1"})


async def send(producer: AIOKafkaProducer, ns, topic: str, events: list[dict]) -> None:
    futures = [await producer.send(ns.topic(topic), json.dumps(ev, ensure_ascii=False).encode(),
                                   key=ev["subject"].encode(), headers=[("content-type", b"application/cloudevents+json")])
               for ev in events]
    await asyncio.gather(*futures)


@pytest.mark.timeout(600)  # four service starts and a session timeout after the kill, on a loaded machine
async def test_three_claims_instances_one_killed_lose_nothing_and_deliver_once(ns):
    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING", GONGJIAN_TOPIC_PARTITIONS=str(PARTITIONS), CLAIMS_SCHEDULER="false")
    await ensure_topics(ns.infra.kafka_bootstrap, [REGISTRY_PLACES, REGISTRY_MEMBERS, CLAIMS_NOTICES],
                        prefix=ns.prefix, partitions=PARTITIONS)
    members = [f"member-k{i:03d}" for i in range(MEMBERS)]
    home = {m: COMMUNITIES[i % 3] for i, m in enumerate(members)}
    work = {m: COMMUNITIES[(i + 1) % 3] for i, m in enumerate(members)}
    producer = AIOKafkaProducer(bootstrap_servers=ns.infra.kafka_bootstrap, enable_idempotence=True, acks="all")
    mongo = AsyncMongoClient(ns.infra.mongodb_url)
    db = mongo[ns.db("claims")]
    await producer.start()
    procs: list[ServiceProcess] = []
    try:
        await send(producer, ns, REGISTRY_PLACES, places())
        wave1 = [ev for m in members for ev in (registered(m), reported(m, home[m], "home"))]
        await send(producer, ns, REGISTRY_MEMBERS, wave1)
        await send(producer, ns, CLAIMS_NOTICES, [notice(1, m) for m in members])
        procs.append(ServiceProcess("claims", env).start(timeout=READY_S))  # N = 1
        procs += await asyncio.to_thread(start_together, [ServiceProcess("claims", env) for _ in range(2)], READY_S)  # N = 3
        await send(producer, ns, CLAIMS_NOTICES, [notice(2, m) for m in members] + [notice(1, m) for m in members[:10]])
        await send(producer, ns, REGISTRY_MEMBERS, [reported(m, work[m], "work") for m in members])

        async def flowing():  # some of the second wave applied: batches are in flight now
            return await db["inbox"].count_documents({"subject_id": "demand-2"}) > 0
        await eventually(flowing, timeout=90, interval=0.05)
        victim = procs.pop(1)
        victim.stop(kill=True)  # N = 2, mid-flow
        await send(producer, ns, CLAIMS_NOTICES, [notice(3, m) for m in members] + [notice(2, m) for m in members[:10]])
        await send(producer, ns, REGISTRY_MEMBERS, wave1[:20])  # redelivered registrations and reports change nothing
        procs.append(await asyncio.to_thread(ServiceProcess("claims", env).start, READY_S))  # N = 3 again

        expected_notices = sorted(f"demand-{n}:remind|{m}" for n in (1, 2, 3) for m in members)

        async def all_there():
            docs = await db["members"].find({"_id": {"$in": members}}).to_list(None)
            projected = {d["_id"]: (sorted(d.get("communities") or []), d.get("by_kind") or {}, d.get("name_masked"))
                         for d in docs}
            want = {m: (sorted({home[m], work[m]}), {"home": home[m], "work": work[m]}, "张*") for m in members}
            inbox = sorted(d["_id"] for d in await db["inbox"].find({}, {"_id": 1}).to_list(None))
            return (projected, inbox) if projected == want and inbox == expected_notices else None
        try:
            await eventually(all_there, timeout=150, interval=1)
        except AssertionError:
            raise AssertionError({"members": await db["members"].count_documents({}),
                                  "inbox": await db["inbox"].count_documents({})}) from None
        deliveries = await db["notice_deliveries"].find({}, {"notice_id": 1}).to_list(None)
        assert sorted(d["notice_id"] for d in deliveries) == expected_notices  # each delivered once, none lost
        places_known = await db["places"].count_documents({})
        assert places_known == 3 + len(COMMUNITIES)
    finally:
        await producer.stop()
        for p in procs:
            p.stop()
        await mongo.close()
