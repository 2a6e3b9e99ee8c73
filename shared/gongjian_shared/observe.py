"""Where requests and messages are observed: metrics, a span and the correlation id for each.

``ObserveHTTP`` is a pure ASGI middleware (it does not buffer bodies, so SSE streams pass
through): per route *template* (``/demands/{demand_id}``, never the raw path, so the label
set stays small) it counts requests by status and times them, and binds ``X-Correlation-Id``.
The server span that continues an incoming ``traceparent`` is FastAPI's own (http.TELEMETRY),
which wraps this middleware: handlers, and the outbox entries they stage, run inside it.

``observe_consumer(service)`` is a FastStream middleware: records consumed per topic and
outcome, handler latency, and the event's ``correlationid`` bound while the handler runs.
"""

from __future__ import annotations

import json
from typing import Any

from faststream import BaseMiddleware
from .logs import reset_correlation, set_correlation
from .metrics import EVENTS_CONSUMED, HANDLER_LATENCY, HTTP_LATENCY, HTTP_REQUESTS, Timer, labelled

UNMATCHED = "<unmatched>"  # 404s for unknown paths share one label value


def route_template(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return (scope.get("root_path", "") + path) if path else UNMATCHED


class ObserveHTTP:
    def __init__(self, app: Any, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def send_observed(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        correlation = next((v for k, v in scope.get("headers", ()) if k == b"x-correlation-id"), None)
        token = set_correlation(correlation.decode("latin-1") if correlation else None)
        method = scope["method"]
        try:
            with Timer() as timer:
                await self.app(scope, receive, send_observed)
        finally:
            route = route_template(scope)
            if route != "/metrics":  # Prometheus' own scrapes would drown the rate panels
                labelled(HTTP_REQUESTS, self.service, method, route, str(status["code"])).inc()
                labelled(HTTP_LATENCY, self.service, method, route).observe(getattr(timer, "seconds", 0.0))
            reset_correlation(token)


def _correlation_of(body: Any) -> str | None:
    try:
        doc = json.loads(body) if isinstance(body, (bytes, str)) else body
    except ValueError:
        return None
    return doc.get("correlationid") if isinstance(doc, dict) else None


def observe_consumer(service: str) -> type[BaseMiddleware]:
    class ObserveConsumer(BaseMiddleware):
        async def consume_scope(self, call_next: Any, msg: Any) -> Any:
            raw = msg.raw_message
            records = raw if isinstance(raw, (list, tuple)) else (raw,)
            topic = records[0].topic if records else "?"
            correlation = _correlation_of(records[0].value) if len(records) == 1 else None
            token = set_correlation(correlation)
            outcome = "error"
            try:
                with Timer() as timer:
                    result = await call_next(msg)
                outcome = "handled"
                return result
            finally:
                labelled(HANDLER_LATENCY, service, topic).observe(getattr(timer, "seconds", 0.0))
                labelled(EVENTS_CONSUMED, service, topic, outcome).inc(len(records))
                reset_correlation(token)

    return ObserveConsumer
