"""Metrics and traces during a real flow: three services, real Kafka, real database.

A member reports (registry), claims learns of it from Kafka, the member claims, serves and is
verified (claims), evaluation awards points. Along the way:
- every service's /metrics moves: HTTP requests per route template, events published and
  consumed per topic, handler latency, claims granted and refused by reason, dead letters,
  consumer lag and outbox backlog gauges;
- the trace of an HTTP request continues across the Kafka hop: the consumer's span has the
  request's trace id (single-record handler) or links to it (evaluation's batch handler);
- every metric the Grafana dashboard queries is among the scraped ones.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from gongjian_shared.settings import ServiceSettings
from gongjian_shared.testing import app_client, auth, eventually
from gongjian_shared.tracing import configure_tracing, export_to

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "gongjian-ops.json"
TRACE_A = "0af7651916cd43dd8448eb211c80319c"
TRACE_B = "4bf92f3577b34da6a3ce929d0e0e4736"


def traceparent(trace_id: str) -> dict[str, str]:
    return {"traceparent": f"00-{trace_id}-b7ad6b7169203331-01"}


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple], float]:
    r = await client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def total(samples: dict, name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in samples.items()
               if n == name and all(dict(ls).get(k) == want for k, want in labels.items()))


@pytest.fixture
def spans():
    configure_tracing(ServiceSettings(), "test")  # what every service runtime does first
    assert isinstance(trace.get_tracer_provider(), TracerProvider)
    exporter = InMemorySpanExporter()
    export_to(SimpleSpanProcessor(exporter))  # as an OTLP endpoint setting would
    yield exporter
    exporter.shutdown()


@pytest.fixture
async def apps(ns):
    from gongjian_claims.bootstrap import build_app as claims_app
    from gongjian_claims.config import ClaimsSettings
    from gongjian_evaluation.bootstrap import build_app as evaluation_app
    from gongjian_evaluation.config import EvaluationSettings
    from gongjian_registry.bootstrap import build_app as registry_app
    from gongjian_registry.config import RegistrySettings

    built = {"registry": registry_app(RegistrySettings()), "claims": claims_app(ClaimsSettings()),
             "evaluation": evaluation_app(EvaluationSettings())}
    async with app_client(built["registry"]) as reg, app_client(built["claims"]) as claims, \
            app_client(built["evaluation"]) as ev:
        yield {"registry": reg, "claims": claims, "evaluation": ev}


async def _member_in_community(reg: httpx.AsyncClient) -> tuple[str, str]:
    parent = None
    for kind in ("city", "district", "street", "community"):
        r = await reg.post("/places", json={"kind": kind, "name": f"运维{kind}", "parent_id": parent},
                           headers=auth("city_admin"))
        assert r.status_code == 201, r.text
        parent = r.json()["id"]
    staff = auth("community_admin", parent)
    r = await reg.post("/members", json={"name": "张三", "home_community_id": parent}, headers=staff)
    assert r.status_code == 201, r.text
    member = r.json()["id"]
    r = await reg.post(f"/members/{member}/reports", json={"community_id": parent, "kind": "home"},
                       headers={**auth("member", sub=member), **traceparent(TRACE_A)})
    assert r.status_code == 201, r.text
    return parent, member


def _consumer_spans(exporter: InMemorySpanExporter, topic_part: str) -> list:
    """Consumer spans of a topic: "<topic> process", and for a batch its "<topic> create" parent with the links."""
    return [s for s in exporter.get_finished_spans() if s.kind == trace.SpanKind.CONSUMER and topic_part in s.name]


async def test_metrics_move_and_traces_cross_kafka(ns, apps, spans):
    reg, claims, ev = apps["registry"], apps["claims"], apps["evaluation"]
    before = {name: await scrape(client) for name, client in apps.items()}

    community, member = await _member_in_community(reg)
    staff = auth("community_admin", community)

    async def publish():
        r = await claims.post("/demands", headers=staff, json={
            "community_id": community, "category": "志愿服务", "item": "法律咨询", "title": "运维测试", "capacity": 1})
        return r.json() if r.status_code == 201 else None  # claims learns of the community through Kafka

    demand = await eventually(publish, timeout=60)

    async def claim():
        r = await claims.post(f"/demands/{demand['id']}/claims", headers=auth("member", sub=member))
        return r.json() if r.status_code == 201 else None

    granted = await eventually(claim, timeout=60)
    again = await claims.post(f"/demands/{demand['id']}/claims", headers=auth("member", sub=member))
    assert again.status_code == 409 and again.json()["code"] == "already-claimed"
    base = f"/demands/{demand['id']}/claims/{granted['claim_id']}"
    r = await claims.post(f"{base}/fulfilment", json={"hours": 2}, headers=auth("member", sub=member))
    assert r.status_code == 200, r.text
    r = await claims.post(f"{base}/verification", json={"approved": True},
                          headers={**staff, **traceparent(TRACE_B), "X-Correlation-Id": "ops-test-chain"})
    assert r.status_code == 200, r.text

    async def points():
        r = await ev.get(f"/holders/{member}/points", headers=auth("member", sub=member))
        return r.json()["points"] > 0
    await eventually(points, timeout=60)

    # A poison record on a topic claims reads: retried, then dead-lettered and counted.
    producer = AIOKafkaProducer(bootstrap_servers=ns.infra.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(ns.topic("registry.members.v1"), b"{not json", key=b"poison",
                                     headers=[("content-type", b"application/cloudevents+json")])
    finally:
        await producer.stop()

    async def dead_lettered():
        return total(await scrape(claims), "gongjian_dead_letters_total", service="claims") >= 1
    await eventually(dead_lettered, timeout=60)

    after = {name: await scrape(client) for name, client in apps.items()}

    def moved(service: str, name: str, **labels: str) -> float:
        return total(after[service], name, **labels) - total(before[service], name, **labels)

    claim_route = "/demands/{demand_id}/claims"
    assert moved("claims", "gongjian_http_requests_total", route=claim_route, method="POST", status="201") >= 1
    assert moved("claims", "gongjian_http_requests_total", route=claim_route, status="409") >= 1
    assert moved("claims", "gongjian_http_request_duration_seconds_count", route=claim_route) >= 2
    assert moved("claims", "gongjian_claims_total", outcome="granted") >= 1
    assert moved("claims", "gongjian_claims_total", outcome="refused", reason="already-claimed") >= 1
    assert moved("registry", "gongjian_events_published_total", topic=ns.topic("registry.members.v1")) >= 2
    assert moved("claims", "gongjian_events_published_total", topic=ns.topic("claims.demands.v1")) >= 3
    assert moved("claims", "gongjian_events_consumed_total", topic=ns.topic("registry.members.v1")) >= 2
    assert moved("evaluation", "gongjian_events_consumed_total", topic=ns.topic("claims.demands.v1")) >= 1
    assert moved("evaluation", "gongjian_handler_duration_seconds_count", topic=ns.topic("claims.demands.v1")) >= 1
    assert any(n == "gongjian_consumer_lag" and dict(ls)["topic"] == ns.topic("registry.members.v1")
               for n, ls in after["claims"])
    assert any(n == "gongjian_outbox_backlog" and dict(ls).get("service") == "registry" for n, ls in after["registry"])

    # Traces: the registry request's trace reaches claims' consumer span. Claims projects members in
    # batches since 11f4f51, so like evaluation's its batch span links to the trace (a span per record
    # would continue it as a child): either counts.
    member_spans = _consumer_spans(spans, "registry.members")
    reached = {format(s.context.trace_id, "032x") for s in member_spans} | \
        {format(link.context.trace_id, "032x") for s in member_spans for link in s.links}
    assert TRACE_A in reached, [(s.name, format(s.context.trace_id, "032x")) for s in member_spans]
    # ... and evaluation's batch span links to the verification request's trace.
    demand_spans = _consumer_spans(spans, "claims.demands")
    linked = {format(link.context.trace_id, "032x") for s in demand_spans for link in s.links}
    assert TRACE_B in linked, linked

    # Every metric the ops dashboard queries is exposed by the running services.
    exposed = {n for samples in after.values() for n, _ in samples}
    for metric in dashboard_metrics():
        assert metric in exposed, f"dashboard queries {metric}, which no service exposes"


def dashboard_metrics() -> set[str]:
    board = json.loads(DASHBOARD.read_text())
    names = set()
    for panel in board["panels"]:
        for target in panel.get("targets", []):
            names.update(re.findall(r"\b(gongjian_[a-z_]+)\b", target["expr"]))
    assert names, "the dashboard queries gongjian metrics"
    return names
