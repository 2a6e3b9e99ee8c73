"""Prometheus metrics every service exposes at ``/metrics`` (prometheus-client).

Names and labels are what deploy/grafana/gongjian-ops.json queries; a test checks that
every panel's metric is scraped from the running services. Counters are process-wide
(one registry per process); the ``service`` label tells services apart when several run
in one process, as they do in tests. Gauges that need a look at Kafka or the database
(consumer lag, outbox backlog) are refreshed when Prometheus scrapes, bounded in time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from .access import public

log = logging.getLogger("gongjian.metrics")

# Latency buckets (seconds) from 5 ms to 10 s: claim paths sit around 10-100 ms, exports take seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter("gongjian_http_requests_total", "HTTP requests answered, by route template and status",
                        ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram("gongjian_http_request_duration_seconds", "HTTP request latency by route template",
                         ["service", "method", "route"], buckets=BUCKETS)
EVENTS_CONSUMED = Counter("gongjian_events_consumed_total", "Kafka records handed to a handler, by topic and outcome",
                          ["service", "topic", "outcome"])
HANDLER_LATENCY = Histogram("gongjian_handler_duration_seconds", "Time a handler took for one message or batch",
                            ["service", "topic"], buckets=BUCKETS)
EVENTS_PUBLISHED = Counter("gongjian_events_published_total", "Kafka records acknowledged by the broker, by topic",
                           ["service", "topic"])
DEAD_LETTERS = Counter("gongjian_dead_letters_total", "Records sent to a dead-letter topic, by original topic",
                       ["service", "topic", "error"])
CONSUMER_LAG = Gauge("gongjian_consumer_lag", "Records on a partition not yet consumed by this instance",
                     ["service", "topic", "partition"])
OUTBOX_BACKLOG = Gauge("gongjian_outbox_backlog", "Documents holding events not yet on Kafka, by collection",
                       ["service", "collection"])
CLAIMS = Counter("gongjian_claims_total", "Claim attempts, granted or refused by reason", ["outcome", "reason"])

SCRAPE_BUDGET_S = 2.0

_children: dict[tuple[int, tuple[str, ...]], Any] = {}


def labelled(metric: Any, *values: str) -> Any:
    """``metric.labels(*values)``, looked up once per label set: prometheus_client validates the
    values and takes a lock on every ``labels`` call, twice per HTTP request otherwise.
    Not for metrics whose children are removed (``clear``/``remove``: CONSUMER_LAG, OUTBOX_BACKLOG),
    since a remembered child would then count where nobody scrapes."""
    key = (id(metric), values)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*values)
    return child


def service_of(client_id: str) -> str:
    return client_id.removeprefix("gongjian-")


async def refresh_consumer_lag(runtime: Any) -> None:
    """Lag per assigned partition: the partition's high-water mark minus this consumer's position."""
    CONSUMER_LAG.clear()  # partitions move on rebalance; only report what is assigned now
    for subscriber in runtime.broker.subscribers:
        consumer = getattr(subscriber, "consumer", None)
        if consumer is None:
            continue
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is None:
                continue
            position = await consumer.position(tp)
            CONSUMER_LAG.labels(runtime.service, tp.topic, str(tp.partition)).set(max(high - position, 0))


async def refresh_outbox_backlog(runtime: Any) -> None:
    if runtime.relay is None:
        return
    for collection, count in (await runtime.relay.backlog()).items():
        OUTBOX_BACKLOG.labels(runtime.service, collection).set(count)


async def _refresh(runtime: Any) -> None:
    for step in (refresh_consumer_lag, refresh_outbox_backlog):
        try:
            await asyncio.wait_for(step(runtime), SCRAPE_BUDGET_S)
        except Exception as exc:  # noqa: BLE001 - a scrape answers with what it has
            log.debug("metrics refresh %s failed: %s", step.__name__, type(exc).__name__)


def install_metrics_route(app: FastAPI, runtime: Any) -> None:
    @app.get("/metrics", tags=["运维 ops"], summary="Prometheus 指标 metrics (text exposition format)",
             response_class=Response, **public("运维抓取指标，不含个人数据 scraped by monitoring; counts only"))
    async def metrics() -> Response:
        if runtime.db is not None:
            await _refresh(runtime)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class Timer:
    """``with Timer() as t: ...; t.seconds`` — monotonic, for histograms."""

    def __enter__(self) -> Timer:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
