"""OpenTelemetry traces across HTTP and Kafka (W3C Trace Context).

- HTTP: the request middleware (observe.py) continues a ``traceparent`` header or starts a trace.
- Outbox: when a handler stages events, :func:`carrier` records the current ``traceparent``
  beside each event; the relay sends it as Kafka record headers, so the event continues the
  trace of the request (or of the consumed event) that caused it, however late it is published.
- Consumers: FastStream's ``KafkaTelemetryMiddleware`` reads those headers; a single-record
  handler continues the trace, a batch handler starts one linked to every record's trace.

A tracer provider is always installed (ids for logs, propagation); spans leave the process
only when an OTLP endpoint is configured (``GONGJIAN_OTLP_ENDPOINT``): off by default.
"""

from __future__ import annotations

import logging
from typing import Any

from opentelemetry import trace
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

log = logging.getLogger("gongjian.tracing")

TRACE_HEADERS = ("traceparent", "tracestate")


def configure_tracing(settings: Any, service: str) -> TracerProvider:
    """Install the process's tracer provider once (several services in one test process share it)."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = TracerProvider(resource=Resource.create({"service.name": f"gongjian-{service}"}),
                              sampler=ParentBased(TraceIdRatioBased(settings.trace_sample_ratio)))
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
        log.info("exporting traces to %s", settings.otlp_endpoint)
    trace.set_tracer_provider(provider)
    return provider


def tracer() -> trace.Tracer:
    return trace.get_tracer("gongjian")


def carrier() -> dict[str, str]:
    """The current trace context as W3C headers ({} outside any span)."""
    headers: dict[str, str] = {}
    if trace.get_current_span().get_span_context().is_valid:
        inject(headers)
    return headers


def context_from(headers: Any) -> Any:
    """An OpenTelemetry context from request or record headers (str or bytes values)."""
    items = headers.items() if hasattr(headers, "items") else headers
    found = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in items if k.lower() in TRACE_HEADERS}
    return extract(found)


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
