"""OpenTelemetry traces across HTTP and Kafka (W3C Trace Context).

- HTTP: FastAPI's server span (http.TELEMETRY) continues a ``traceparent`` header or starts a trace;
  calls to the next service carry it on (:func:`httpx_hooks`).
- Outbox: when a handler stages events, :func:`carrier` records the current ``traceparent``
  beside each event; the relay sends it as Kafka record headers, so the event continues the
  trace of the request (or of the consumed event) that caused it, however late it is published.
- Consumers: FastStream's ``KafkaTelemetryMiddleware`` reads those headers; a single-record
  handler continues the trace, a batch handler starts one linked to every record's trace.

A tracer provider is always installed (trace ids for logs, propagation); spans are recorded
and leave the process only when an OTLP endpoint is configured (``GONGJIAN_OTLP_ENDPOINT``):
off by default, and cheap until then (figures: benchmarks/observability_overhead.py).
"""

from __future__ import annotations

import logging
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.propagate import inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, Sampler, SamplingResult, TraceIdRatioBased

log = logging.getLogger("gongjian.tracing")

TRACE_HEADERS = ("traceparent", "tracestate")


class WhenExported(Sampler):
    """Records spans only once something exports them; until then every span is a cheap
    non-recording one that still carries (and propagates) real trace ids."""

    def __init__(self, ratio: float) -> None:
        self.inner = ParentBased(TraceIdRatioBased(ratio))
        self.exporting = False

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None,
                      trace_state=None) -> SamplingResult:
        sampler = self.inner if self.exporting else ALWAYS_OFF
        return sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"WhenExported({self.inner.get_description()}, exporting={self.exporting})"


def configure_tracing(settings: Any, service: str) -> TracerProvider:
    """Install the process's tracer provider once (several services in one test process share it)."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = TracerProvider(resource=Resource.create({"service.name": f"gongjian-{service}"}),
                              sampler=WhenExported(settings.trace_sample_ratio))
    trace.set_tracer_provider(provider)
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        export_to(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
        log.info("exporting traces to %s", settings.otlp_endpoint)
    return provider


def export_to(processor: SpanProcessor) -> None:
    """Send the process's spans to ``processor`` (an OTLP exporter, or a test's in-memory one)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        raise RuntimeError("configure_tracing() first")
    provider.add_span_processor(processor)
    if isinstance(provider.sampler, WhenExported):
        provider.sampler.exporting = True


def exporting() -> bool:
    """True once spans are recorded for export (or under a tracer provider that is not ours)."""
    sampler = getattr(trace.get_tracer_provider(), "sampler", None)
    return not isinstance(sampler, WhenExported) or sampler.exporting


PROPAGATION_HEADERS = (b"traceparent", b"tracestate", b"baggage")  # what the W3C propagators read


def server_context(headers: list[tuple[bytes, bytes]]) -> Context:
    """The context of an HTTP request's server span while nothing is exported: a non-recording span
    continuing the request's ``traceparent`` (or starting a trace), as FastAPI's own telemetry makes it
    (http.ServiceApp), without the recorded span's attributes and bookkeeping.

    The span comes from the tracer provider (its sampler and id generator), so its ids are real;
    only the request's propagation headers are read, and no caller's context leaks in.
    """
    carrier: dict[str, str] = {}
    for name, value in headers:
        if name in PROPAGATION_HEADERS:
            key = name.decode("latin-1")
            carrier[key] = f"{carrier[key]},{value.decode('latin-1')}" if key in carrier else value.decode("latin-1")
    parent = propagate.extract(carrier) if carrier else Context()
    span = _server_tracer().start_span("HTTP", context=parent, kind=trace.SpanKind.SERVER)
    return trace.set_span_in_context(span, parent)


_tracers: dict[int, tuple[trace.TracerProvider, trace.Tracer]] = {}


def _server_tracer() -> trace.Tracer:
    """The provider's tracer, made once per provider (get_tracer builds a new one on every call)."""
    provider = trace.get_tracer_provider()
    known = _tracers.get(id(provider))
    if known is None or known[0] is not provider:
        known = _tracers[id(provider)] = (provider, provider.get_tracer("gongjian.http"))
    return known[1]


def tracer() -> trace.Tracer:
    return trace.get_tracer("gongjian")


def carrier() -> dict[str, str]:
    """The current trace context as W3C headers ({} outside any span)."""
    headers: dict[str, str] = {}
    if trace.get_current_span().get_span_context().is_valid:
        inject(headers)
    return headers


def record_headers(trace_carrier: dict[str, str] | None) -> list[tuple[str, bytes]]:
    """Kafka record headers for a stored carrier."""
    return [(k, v.encode()) for k, v in (trace_carrier or {}).items() if k in TRACE_HEADERS]


async def _propagate(request: Any) -> None:
    """httpx request hook: the current trace context and correlation id travel to the next service."""
    from .logs import current_correlation

    for key, value in carrier().items():
        request.headers[key] = value
    correlation = current_correlation()
    if correlation and "x-correlation-id" not in request.headers:
        request.headers["x-correlation-id"] = correlation


def httpx_hooks() -> dict[str, list[Any]]:
    """``httpx.AsyncClient(event_hooks=httpx_hooks())`` for calls from one service to another."""
    return {"request": [_propagate]}
