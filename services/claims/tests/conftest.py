"""Fixtures of the claims tests: a running claims app and a small city fed through Kafka.

The registry is not started: its events are published, contract-shaped, straight onto
the registry topics of the test namespace, and claims builds its projections from them
exactly as in production. Most tests share one app (``world``, session scope) and make
their own communities' demands; tests about restarts and several instances use ``ns``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiokafka import AIOKafkaProducer
from gongjian_claims.bootstrap import build_app
from gongjian_claims.config import ClaimsSettings
from gongjian_shared.envelope import CONTENT_TYPE, CloudEvent, new_event
from gongjian_shared.testing import Namespace, app_client, auth, event_of, eventually, read_topic


def registry_event(type_: str, subject: str, data: dict[str, Any], community: str | None = None) -> CloudEvent:
    return new_event(source="gongjian/registry", type=type_, subject=subject, data=data, communityid=community)


async def publish(bootstrap: str, topic: str, events: list[CloudEvent]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        futures = [await producer.send(topic, ev.to_bytes(), key=ev.subject.encode(),
                                       headers=[("content-type", CONTENT_TYPE.encode())]) for ev in events]
        for future in futures:
            await future
    finally:
        await producer.stop()


class World:
    """A city on the registry topics, and the claims app that listens to them."""

    def __init__(self, ns: Namespace, client: Any, app: Any) -> None:
        self.ns, self.client, self.app = ns, client, app
        self.city, self.district = "city-t", "district-t"
        self.street, self.other_street = "street-t1", "street-t2"

    @property
    def db(self) -> Any:
        return self.app.state.runtime.db

    async def send(self, topic: str, events: list[CloudEvent]) -> None:
        await publish(self.ns.infra.kafka_bootstrap, self.ns.topic(topic), events)

    async def registry(self, topic: str, type_: str, subject: str, data: dict[str, Any]) -> None:
        await self.send(topic, [registry_event(type_, subject, data)])

    async def setup_tree(self) -> None:
        rows = [(self.city, "city", [self.city]), (self.district, "district", [self.city, self.district]),
                (self.street, "street", [self.city, self.district, self.street]),
                (self.other_street, "street", [self.city, self.district, self.other_street])]
        await self.send("registry.places.v1", [
            registry_event("place.created", pid, {"place_id": pid, "kind": kind, "name": f"测试{kind}{pid[-2:]}",
                                                  "parent_id": path[-2] if len(path) > 1 else None, "path": path})
            for pid, kind, path in rows])

    async def community(self, street: str | None = None, name: str = "社区") -> str:
        """A new community (in the first street unless told), known to claims when this returns."""
        street = street or self.street
        cid = f"community-{uuid.uuid4().hex[:8]}"
        path = [self.city, self.district, street, cid]
        await self.send("registry.places.v1", [registry_event(
            "place.created", cid, {"place_id": cid, "kind": "community", "name": f"{name}{cid[-4:]}",
                                   "parent_id": street, "path": path}, cid)])
        await eventually(lambda: self.db["places"].find_one({"_id": cid}))
        return cid

    async def member(self, *communities: str, specialties: tuple[str, ...] = (), work: str | None = None,
                     register: bool = True, wait: bool = True) -> str:
        """A member registered with specialties and reported home (and work) — via Kafka."""
        mid = f"member-{uuid.uuid4().hex[:10]}"
        events = []
        if register:
            events.append(registry_event("member.registered", mid, {
                "member_id": mid, "name_masked": "张*珠", "kind": "in_service", "specialties": list(specialties),
                "work_unit_id": None, "home_community_id": communities[0] if communities else None}))
        for community in communities:
            events.append(registry_event("member.reported", mid, {
                "member_id": mid, "community_id": community, "kind": "home", "receipt_no": "BD-1"}, community))
        if work:
            events.append(registry_event("member.reported", mid, {
                "member_id": mid, "community_id": work, "kind": "work", "receipt_no": "BD-2"}, work))
        await self.send("registry.members.v1", events)
        if wait:
            await self.wait_member(mid, len(communities) + (1 if work else 0), register)
        return mid

    async def members(self, community: str, count: int, specialties: tuple[str, ...] = ()) -> list[str]:
        """Many members at once: one batch of events, then wait for all projections."""
        ids = [f"member-{uuid.uuid4().hex[:10]}" for _ in range(count)]
        events = []
        for mid in ids:
            events.append(registry_event("member.registered", mid, {
                "member_id": mid, "name_masked": "李*", "kind": "in_service", "specialties": list(specialties)}))
            events.append(registry_event("member.reported", mid, {
                "member_id": mid, "community_id": community, "kind": "home"}, community))
        await self.send("registry.members.v1", events)

        async def all_there():
            return await self.db["members"].count_documents({"_id": {"$in": ids}, "communities": community,
                                                             "kind": {"$exists": True}}) == count
        await eventually(all_there, timeout=60)
        return ids

    async def wait_member(self, mid: str, reports: int, registered: bool = True) -> None:
        async def ready():
            doc = await self.db["members"].find_one({"_id": mid})
            return doc and len(doc.get("communities") or []) >= reports and (not registered or "kind" in doc)
        await eventually(ready)

    async def unit(self, paired_community: str | None, name: str = "市中级人民法院") -> str:
        uid = f"unit-{uuid.uuid4().hex[:8]}"
        await self.send("registry.units.v1", [registry_event("unit.registered", uid, {
            "unit_id": uid, "name": name, "kind": "机关", "paired_community_id": paired_community}, paired_community)])
        await eventually(lambda: self.db["units"].find_one({"_id": uid}))
        return uid

    async def demand(self, community: str, **fields: Any) -> dict[str, Any]:
        body = {"community_id": community, "category": "志愿服务", "item": "法律咨询", "title": "周末法律咨询",
                "capacity": 2, **fields}
        r = await self.client.post("/demands", json=body, headers=auth("community_admin", community))
        assert r.status_code == 201, r.text
        return r.json()

    async def claim(self, demand_id: str, member: str) -> Any:
        return await self.client.post(f"/demands/{demand_id}/claims", headers=auth("member", sub=member))

    async def events(self, topic: str, until: Any, timeout: float = 20) -> list[dict[str, Any]]:
        records = await read_topic(self.ns.infra.kafka_bootstrap, self.ns.topic(topic),
                                   until=lambda rs: until([event_of(r) for r in rs]), timeout=timeout)
        return [event_of(r) for r in records]


def jobs_ran(*apps: Any) -> list[str]:
    """The ids of the timed jobs these claims instances ran, each listed once it was logged as finished."""
    return [job for app in apps for job in app.state.runtime.state["scheduler"].ran]


@pytest.fixture(scope="session")
def world_ns(infra) -> Namespace:
    return Namespace(infra)


def settings_for(ns: Namespace, **extra: Any) -> ClaimsSettings:
    return ClaimsSettings(kafka_bootstrap_servers=ns.infra.kafka_bootstrap, mongodb_url=ns.infra.mongodb_url,
                          topic_prefix=ns.prefix, database=ns.db("claims"), scheduler_interval_s=0.3, **extra)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def world(world_ns: Namespace) -> AsyncIterator[World]:
    app = build_app(settings_for(world_ns))
    async with app_client(app) as client:
        w = World(world_ns, client, app)
        await w.setup_tree()
        yield w


@pytest.fixture
def fast(ns, monkeypatch):
    """A namespace whose apps (built in the test) run due jobs every 0.2 s with 5 s leases."""
    monkeypatch.setenv("CLAIMS_SCHEDULER_INTERVAL_S", "0.2")
    monkeypatch.setenv("CLAIMS_JOB_LEASE_S", "5")
    return ns


@pytest.fixture
def make_world():
    """World for an app of the test's own (e.g. with ``ns``): ``make_world(ns, client, app)``."""
    return World
