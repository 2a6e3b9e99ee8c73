"""FastAPI app factory: problem responses, /healthz, /readyz, AsyncAPI at /asyncapi.json."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from opentelemetry import context as otel_context
from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute

from .body_limit import BodyLimit
from .fold_query import FoldQuery
from .idempotency_keys import IdempotencyKeyMiddleware, document_header
from .metrics import install_metrics_route
from .observe import ObserveHTTP
from .access import public
from .answers import document_answers
from .problems import install_problem_handlers
from .runtime import ServiceRuntime
from .tracing import exporting, server_context


# FastAPI's own OpenTelemetry: the server span per request (continuing an incoming traceparent)
# and nothing else. Metrics are Prometheus (metrics.py); its OTel logs would carry exception
# messages past the personal-data filter; per-dependency spans cost more than they tell.
UNTRACED = ("/healthz", "/readyz", "/metrics")
TELEMETRY = {"tracing": True, "metrics": False, "logs": False, "operation_spans": False,
             "exclude": lambda scope: scope.get("path") in UNTRACED}


class ServiceApp(FastAPI):
    """FastAPI whose server span costs next to nothing while no span is exported.

    FastAPI's telemetry builds the recorded span's attributes and wraps every send even when the
    sampler drops the span (a tenth of a claim's CPU, benchmarks/claims_race.py). Until something
    exports (tracing.exporting()), the request runs instead inside a non-recording span that
    continues its ``traceparent`` (tracing.server_context): the same trace id in log lines, in the
    events its outbox entries carry and in calls to other services. Once exporting, FastAPI's own.
    """

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] in UNTRACED or "fastapi.telemetry" in scope or exporting():
            await super().__call__(scope, receive, send)
            return
        token = otel_context.attach(server_context(scope["headers"]))
        scope["fastapi.telemetry"] = None  # FastAPI's marker for "observed already": its telemetry stays out
        try:
            await super().__call__(scope, receive, send)
        finally:
            scope.pop("fastapi.telemetry", None)
            otel_context.detach(token)


def create_app(runtime: ServiceRuntime, *, title: str, description: str, version: str = "0.1.0",
               uploads: Mapping[str, int | None] | None = None) -> FastAPI:
    """The service's app with the shared middleware; ``uploads``: path pattern → largest file in bytes
    for upload routes (body_limit.py; every other body is limited to its default)."""
    app = ServiceApp(title=title, description=description, version=version, lifespan=runtime.lifespan,
                     telemetry=TELEMETRY)
    app.state.runtime = runtime
    app.state.settings = runtime.settings
    install_problem_handlers(app)
    app.add_middleware(IdempotencyKeyMiddleware)
    _document_idempotency(app)
    app.add_middleware(ObserveHTTP, service=runtime.service)
    app.add_middleware(FoldQuery)  # full-width query values folded before routing (issue 9)
    app.add_middleware(BodyLimit, uploads=uploads)  # outermost: before anything reads a body
    install_metrics_route(app, runtime)
    document_answers(app)

    @app.get("/healthz", tags=["运维 ops"], summary="存活检查 liveness (the process answers; never checks peers)",
             **public("负载均衡探活 probes"))
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.service}

    @app.get("/readyz", tags=["运维 ops"], summary="就绪检查 readiness (Kafka 与 MongoDB 可达)",
             **public("负载均衡探活 probes"))
    async def readyz() -> JSONResponse:
        checks = await runtime.ready()
        ok = all(checks.values())
        return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503)

    @app.get("/asyncapi.json", tags=["运维 ops"], summary="AsyncAPI 事件文档 (generated from the code)",
             **public("接口文档公开 documents describe no data"))
    async def asyncapi() -> dict[str, Any]:
        return asyncapi_document(runtime)

    return app


def include_routes(app: FastAPI, *routers: APIRouter) -> None:
    """Add each router's routes to the app itself, in order, instead of including the routers.

    FastAPI 0.16x includes a router lazily: every request is matched through each level of
    inclusion again, and once more to handle it (a tenth of a claim's CPU with claims' twenty
    routers nested two deep, benchmarks/claims_race.py). A route made by a router's decorator
    already carries the router's tags and dependencies, so only routers included as they are
    qualify: one that includes others (with a prefix, dependencies …) raises ``TypeError``;
    include that one with ``app.include_router``. (``app.dependency_overrides`` does not reach
    these routes: nothing in the project overrides dependencies.)
    """
    for router in routers:
        for route in router.routes:
            if not isinstance(route, BaseRoute) or type(route).__name__ == "_IncludedRouter":
                raise TypeError(f"{router!r} includes another router: use app.include_router for it")
            app.router.routes.append(route)


def _document_idempotency(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_header(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def asyncapi_document(runtime: ServiceRuntime) -> dict[str, Any]:
    from faststream.specification import AsyncAPI

    spec = AsyncAPI(
        runtime.broker,
        title=f"gongjian {runtime.service} events",
        version="0.1.0",
        description="CloudEvents 1.0 (structured, application/cloudevents+json); see shared contracts",
    ).to_specification()
    return json.loads(spec.to_json())


def runtime_of(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def serve(settings: Any, build_app: Any) -> None:
    """Run one service process: JSON logging with the personal-data filter, then uvicorn.

    On SIGTERM uvicorn stops accepting, lets open requests finish, then runs the lifespan's
    shutdown: subscribers finish their in-flight messages and commit (``shutdown_grace_s``).
    """
    import uvicorn

    from .logs import configure_logging

    app = build_app(settings)
    configure_logging(settings.log_level, fmt=settings.log_format, service=app.state.runtime.service)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False,
                # Open requests (event streams never end by themselves) get half the grace; the
                # consumers' in-flight messages get the rest (runtime.stop()).
                timeout_graceful_shutdown=max(1, int(settings.shutdown_grace_s / 2)))
