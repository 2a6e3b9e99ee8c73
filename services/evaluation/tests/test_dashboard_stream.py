"""The dashboard's SSE stream and data endpoints against a real evaluation process and Kafka.

Events are published as the other services would (contract-shaped, on the namespaced
topics), so these tests do not depend on registry or claims. One evaluation process
serves the whole module; each test uses its own place ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any

import httpx
import pytest

from gongjian_shared.envelope import new_event
from gongjian_shared.producer import EventProducer
from gongjian_shared.testing import Namespace, ServiceProcess, auth, eventually
from gongjian_shared.topics import CLAIMS_DEMANDS, EVALUATION_ALERTS, REGISTRY_MEMBERS, REGISTRY_PLACES

from gongjian_evaluation.dashboard.positions import decode

pytestmark = pytest.mark.timeout(180)
OTHER_DASHBOARD = "http://127.0.0.1:9999"  # another dashboard's page, allowed to read the stream


@pytest.fixture(scope="module")
def evaluation(module_ns):
    proc = ServiceProcess("evaluation", module_ns.env(GONGJIAN_LOG_LEVEL="WARNING",
                                                      GONGJIAN_DASHBOARD_ORIGINS=OTHER_DASHBOARD)).start()
    try:
        yield proc.url
    finally:
        proc.stop()


@pytest.fixture(scope="module")
async def producer(module_ns):
    p = EventProducer(module_ns.infra.kafka_bootstrap, client_id="dashboard-test")
    await p.start()
    yield p
    await p.stop()


class City:
    """A small place tree: city → D1 (S1: A, A2), D2 (S2: B); ids unique per test."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:6]
        self.city, self.d1, self.d2 = f"city-{tag}", f"district-{tag}-1", f"district-{tag}-2"
        self.s1, self.s2 = f"street-{tag}-1", f"street-{tag}-2"
        self.a, self.a2, self.b = f"community-{tag}-a", f"community-{tag}-a2", f"community-{tag}-b"
        self.paths = {
            self.city: [self.city], self.d1: [self.city, self.d1], self.d2: [self.city, self.d2],
            self.s1: [self.city, self.d1, self.s1], self.s2: [self.city, self.d2, self.s2],
            self.a: [self.city, self.d1, self.s1, self.a], self.a2: [self.city, self.d1, self.s1, self.a2],
            self.b: [self.city, self.d2, self.s2, self.b],
        }

    def district(self, community: str) -> str:
        return self.paths[community][1]

    def place_events(self) -> list[Any]:
        kinds = {1: "city", 2: "district", 3: "street", 4: "community"}
        out = []
        for pid, path in self.paths.items():
            kind = kinds[len(path)]
            out.append(new_event(
                source="gongjian/registry", type="place.created", subject=pid,
                data={"place_id": pid, "kind": kind, "name": f"{kind}{pid[-4:]}",
                      "parent_id": path[-2] if len(path) > 1 else None, "path": path},
                districtid=path[1] if len(path) > 1 else None, communityid=pid if kind == "community" else None))
        return out


def demand(city: City, community: str, type_: str = "demand.published", demand_id: str | None = None,
           **data: Any) -> Any:
    demand_id = demand_id or f"demand-{uuid.uuid4().hex[:8]}"
    return new_event(source="gongjian/claims", type=type_, subject=demand_id,
                     data={"demand_id": demand_id, "community_id": community, "category": "志愿服务",
                           "capacity": 2, "title": "周末法律咨询", **data},
                     districtid=city.district(community), communityid=community)


def reported(city: City, community: str) -> Any:
    member = f"member-{uuid.uuid4().hex[:8]}"
    return new_event(source="gongjian/registry", type="member.reported", subject=member,
                     data={"member_id": member, "community_id": community, "kind": "home"},
                     districtid=city.district(community), communityid=community)


async def setup_city(producer: EventProducer, ns: Namespace, url: str) -> City:
    city = City()
    await producer.publish(ns.topic(REGISTRY_PLACES), city.place_events())

    async def known():
        r = await httpx.AsyncClient().get(f"{url}/dashboard/api/overview", params={"place": city.a},
                                         headers=auth("city_admin"))
        return r.status_code == 200

    await eventually(known, timeout=30)
    return city


@pytest.fixture(scope="module")
async def shared_city(module_ns, evaluation, producer) -> City:
    return await setup_city(producer, module_ns, evaluation)


class SSE:
    """A minimal SSE client over httpx: events as dicts (id, event, data), in order."""

    def __init__(self, url: str, params: dict[str, Any], headers: dict[str, str]) -> None:
        self.url, self.params, self.headers = url, params, headers
        self.events: list[dict[str, Any]] = []
        self.status: int | None = None
        self._task: asyncio.Task | None = None
        self._ready = asyncio.Event()

    async def __aenter__(self) -> SSE:
        self._task = asyncio.create_task(self._read())
        await asyncio.wait_for(self._ready.wait(), 30)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _read(self) -> None:
        async with (httpx.AsyncClient(timeout=None) as client,
                    client.stream("GET", self.url, params=self.params, headers=self.headers) as r):
            self.status = r.status_code
            if r.status_code != 200:
                self.body = json.loads(await r.aread())
                self._ready.set()
                return
            current: dict[str, Any] = {}
            async for line in r.aiter_lines():
                if not line:
                    if "data" in current:
                        current["data"] = json.loads(current["data"])
                        self.events.append(current)
                        if current.get("event") == "ready":
                            self._ready.set()
                    current = {}
                elif not line.startswith(":"):
                    field, _, value = line.partition(":")
                    current[field] = value.removeprefix(" ")

    def messages(self) -> list[dict[str, Any]]:
        # Evaluation publishes stats.snapshot for the scopes activity touched (about a second later);
        # these tests follow the activity events themselves, so snapshots are left out here.
        return [e for e in self.events if e.get("event") is None
                and not str(e["data"].get("type", "")).endswith("stats.snapshot")]

    def ids(self) -> list[str]:
        return [e["data"]["id"] for e in self.messages()]

    async def wait_for(self, count: int, timeout: float = 15) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.messages()) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return self.messages()


async def test_stream_filters_by_place_and_event_type(module_ns, evaluation, producer):
    city = await setup_city(producer, module_ns, evaluation)
    url, admin = f"{evaluation}/dashboard/stream", auth("city_admin")
    district_demands = SSE(url, {"place": city.d1, "types": "demand.*"}, admin)
    street_all = SSE(url, {"place": city.s2}, auth("district_admin", city.d2))
    community_reports = SSE(url, {"place": city.a, "types": "member.reported"}, auth("community_admin", city.a))
    async with district_demands, street_all, community_reports:
        in_a, in_a2, in_b = demand(city, city.a), demand(city, city.a2, "demand.claimed"), demand(city, city.b)
        report_a, report_b = reported(city, city.a), reported(city, city.b)
        await producer.publish(module_ns.topic(CLAIMS_DEMANDS), [in_a, in_a2, in_b])
        await producer.publish(module_ns.topic(REGISTRY_MEMBERS), [report_a, report_b])

        await district_demands.wait_for(2)
        await street_all.wait_for(2)
        await community_reports.wait_for(1)
        await asyncio.sleep(1.0)  # anything wrongly let through would arrive by now

    assert sorted(district_demands.ids()) == sorted([in_a.id, in_a2.id])
    assert sorted(street_all.ids()) == sorted([in_b.id, report_b.id])
    assert community_reports.ids() == [report_a.id]
    # Events go out exactly as published: nothing added, nothing personal beyond what the topic carries.
    sent = next(m["data"] for m in district_demands.messages() if m["data"]["id"] == in_a.id)
    assert sent == in_a.to_dict()


async def test_reconnect_with_last_event_id_misses_nothing(module_ns, evaluation, producer):
    city = await setup_city(producer, module_ns, evaluation)
    url, staff = f"{evaluation}/dashboard/stream", auth("district_admin", city.d1)
    topic = module_ns.topic(CLAIMS_DEMANDS)
    first = demand(city, city.a)
    second = demand(city, city.a, "demand.claimed", demand_id=first.subject)  # same key: after `first`

    async with SSE(url, {"place": city.d1}, staff) as client:
        ready_id = client.events[0]["id"]
        await producer.publish(topic, [first, second])
        await client.wait_for(2)
    assert client.ids() == [first.id, second.id]
    after_first = client.messages()[0]["id"]

    # While nobody listens: more activity here (several partitions) and noise elsewhere.
    missed = [demand(city, c) for c in (city.a, city.a2, city.a, city.a2)]
    await producer.publish(topic, [*missed, demand(city, city.b)])
    await producer.publish(module_ns.topic(REGISTRY_MEMBERS), [reported(city, city.a2)])
    later = [*missed]

    # The browser sends the id of the last event it saw as Last-Event-ID.
    async with SSE(url, {"place": city.d1}, {**staff, "Last-Event-ID": after_first}) as resumed:
        await resumed.wait_for(len(later) + 2)
        await asyncio.sleep(0.8)
    assert resumed.events[0]["data"]["resumed"] is True
    expected = [second.id, *[e.id for e in later]]
    reported_ids = [m["data"]["id"] for m in resumed.messages() if m["data"]["type"].endswith("member.reported")]
    assert sorted(resumed.ids()) == sorted(expected + reported_ids) and len(reported_ids) == 1
    assert len(resumed.ids()) == len(set(resumed.ids()))  # nothing twice

    # The `ready` id alone (no event seen yet) also resumes, here as the query parameter.
    async with SSE(url, {"place": city.d1, "types": "demand.published", "last_event_id": ready_id}, staff) as again:
        await again.wait_for(1 + len(missed))
        await asyncio.sleep(0.5)
    assert sorted(again.ids()) == sorted([first.id, *[e.id for e in missed]])


async def test_fresh_client_can_replay_recent_records_and_ids_are_kafka_positions(module_ns, evaluation, producer):
    city = await setup_city(producer, module_ns, evaluation)
    alert = new_event(source="gongjian/evaluation", type="alert.raised", subject="member-x",
                      data={"kind": "member_inactive", "holder_id": "member-x"},
                      districtid=city.d2, communityid=city.b)
    await producer.publish(module_ns.topic(EVALUATION_ALERTS), [alert])
    url = f"{evaluation}/dashboard/stream"
    async with SSE(url, {"place": city.b, "types": "alert.*", "last": 5}, auth("community_admin", city.b)) as c:
        await c.wait_for(1)
    assert c.ids() == [alert.id]
    position = decode(c.messages()[0]["id"])  # the id is the stream's Kafka position vector
    assert any(topic == EVALUATION_ALERTS and offset >= 1 for (topic, _), offset in position.items())


@pytest.mark.parametrize(
    "who, place, status",
    [
        ("nobody", "a", 401),                          # no token at all
        ("garbage", "a", 401),                         # not a valid token
        ("member", "a", 403),                          # a member of the community is no official
        ("resident", "a", 403),
        ("unit_admin", "a", 403),
        ("community_admin:a", "d1", 403),              # a community admin never sees the district above
        ("community_admin:a", "a2", 403),              # nor the community next door
        ("district_admin:d2", "a", 403),               # nor a district admin another district
        ("district_admin:d1", "a", 200),               # a district admin sees its communities
        ("community_admin:a", "a", 200),
        ("city_admin", "d2", 200),
        ("city_admin", "unknown", 404),
    ],
)
async def test_only_officials_of_a_place_see_its_dashboard_and_stream(shared_city, evaluation, who, place, status):
    city = shared_city
    ids = {"a": city.a, "a2": city.a2, "d1": city.d1, "d2": city.d2, "unknown": "community-none"}
    role, _, own = who.partition(":")
    if role == "nobody":
        headers: dict[str, str] = {}
    elif role == "garbage":
        headers = {"Authorization": "Bearer not-a-token"}
    else:
        headers = auth(role, *([ids[own]] if own else [city.a]))
    async with httpx.AsyncClient(timeout=20) as client:
        r = await client.get(f"{evaluation}/dashboard/api/overview", params={"place": ids[place]}, headers=headers)
        assert r.status_code == status, r.text
        if status != 200:
            assert r.headers["content-type"].startswith("application/problem+json")
    stream = SSE(f"{evaluation}/dashboard/stream", {"place": ids[place]}, headers)
    async with stream:
        pass
    assert stream.status == status
    if status == 403:
        assert "无权" in stream.body["detail"] or "仅对管理人员" in stream.body["detail"]


async def test_token_in_query_for_eventsource_and_place_list_per_official(module_ns, evaluation, producer):
    city = await setup_city(producer, module_ns, evaluation)
    token = auth("district_admin", city.d1)["Authorization"].removeprefix("Bearer ")
    async with SSE(f"{evaluation}/dashboard/stream", {"place": city.a, "token": token}, {}) as c:
        pass
    assert c.status == 200
    for origin, allowed in ((OTHER_DASHBOARD, True), ("http://127.0.0.1:9998", False)):
        async with httpx.AsyncClient(timeout=20) as client, client.stream(
                "GET", f"{evaluation}/dashboard/stream", params={"place": city.a, "token": token},
                headers={"Origin": origin}) as r:
            assert r.status_code == 200
            assert r.headers.get("access-control-allow-origin") == (origin if allowed else None)
    async with httpx.AsyncClient(timeout=20) as client:
        r = await client.get(f"{evaluation}/dashboard/api/places", headers=auth("district_admin", city.d1))
        assert r.status_code == 200
        roots = r.json()["roots"]
        assert [n["id"] for n in roots] == [city.d1]
        assert [s["id"] for s in roots[0]["children"]] == [city.s1]
        assert sorted(c["id"] for c in roots[0]["children"][0]["children"]) == sorted([city.a, city.a2])
        r = await client.get(f"{evaluation}/dashboard/api/places", headers=auth("member", city.a))
        assert r.status_code == 403
        r = await client.get(f"{evaluation}/dashboard/stream", params={"types": "nonsense.type"},
                             headers=auth("city_admin"))
        assert r.status_code == 400 and "未知的事件类型" in r.json()["detail"]
        r = await client.get(f"{evaluation}/dashboard/stream", headers={**auth("city_admin"), "Last-Event-ID": "x"})
        assert r.status_code == 400
        page = await client.get(f"{evaluation}/dashboard")
        assert page.status_code == 200 and "实时大屏" in page.text
        assert "http" not in page.text.split("<body>")[0].replace("http-equiv", "")  # no CDN, nothing remote
        js = await client.get(f"{evaluation}/dashboard/static/vendor/echarts.min.js")
        assert js.status_code == 200 and len(js.content) > 500_000


async def test_overview_counts_recent_activity_of_the_place(module_ns, evaluation, producer):
    city = await setup_city(producer, module_ns, evaluation)
    d = demand(city, city.a, title="助老送餐")
    events = [d, demand(city, city.a, "demand.verified", demand_id=d.subject, hours=3, approved=True,
                        claim_id="c1", claimant_id="m1"),
              demand(city, city.a, "demand.rated", demand_id=d.subject, score=5),
              demand(city, city.b, "demand.overdue", title="楼道清理")]
    await producer.publish(module_ns.topic(CLAIMS_DEMANDS), events)

    async def overview(place):
        r = await httpx.AsyncClient().get(f"{evaluation}/dashboard/api/overview", params={"place": place},
                                         headers=auth("city_admin"))
        return r.json()

    async def counted():
        ov = await overview(city.d1)
        return ov if sum(ov["activity"]["hours_by_day"]) == 3 and ov["activity"]["ratings"]["5"] == 1 else None

    d1 = await eventually(counted)
    assert sum(d1["activity"]["by_day"]["demand.published"]) == 1
    assert d1["activity"]["categories"] == {"志愿服务": {"verified": 1}}
    assert d1["activity"]["overdue_count"] == 0
    assert d1["activity"]["leaders"]["hours"][0]["id"] == city.a
    assert {c["id"] for c in d1["communities"]} == {city.a, city.a2}
    assert d1["place"]["path_names"][-1] == "district" + city.d1[-4:]
    d2 = await eventually(lambda: _overdue(overview, city.d2))
    assert d2["activity"]["overdue"][0]["community_id"] == city.b
    assert sum(d2["activity"]["hours_by_day"]) == 0  # district 1's hours are not district 2's


async def _overdue(overview, place):
    ov = await overview(place)
    return ov if ov["activity"]["overdue_count"] == 1 else None
