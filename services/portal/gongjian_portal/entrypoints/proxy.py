"""Forwarding: /api/{registry|claims|evaluation}/{path} → the service's /{path}.

Method, query, body and the caller's ``Authorization`` go through unchanged; the answer
is streamed back as it comes (server-sent events included), so the portal holds no
response in memory and adds no rule. Cookies stay here: the refresh cookie never reaches
a service. A service that does not answer becomes a 502/504 problem in Chinese.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from gongjian_shared.access import public
from gongjian_shared.problems import Problem
from starlette.background import BackgroundTask

router = APIRouter(tags=["转发 forwarding"])
SERVICE_NAMES = {"registry": "报到服务", "claims": "认领服务", "evaluation": "考评服务"}
# Hop-by-hop headers (RFC 9110 §7.6.1) and those the portal sets itself.
_DROP_REQUEST = {"host", "connection", "keep-alive", "proxy-authorization", "te", "trailer", "transfer-encoding",
                 "upgrade", "cookie"}
_DROP_RESPONSE = {"connection", "keep-alive", "transfer-encoding", "upgrade", "trailer", "content-length",
                  "set-cookie"}
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


async def forward(service: str, path: str, request: Request) -> StreamingResponse:
    """Streams the service's status, headers and body; 404 unknown service; 502/504 when it fails."""
    base = request.app.state.settings.upstreams().get(service)
    if base is None:
        raise Problem(404, f"未知的服务：{service} (unknown service)", code="unknown-service")
    if not forwardable(path):  # service-to-service endpoints are not for browsers
        raise Problem(404, "未找到 (not found)", code="not-forwarded")
    client: httpx.AsyncClient = request.app.state.upstream
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _DROP_REQUEST]
    if request.client:
        headers.append(("x-forwarded-for", request.client.host))
    upstream = client.build_request(request.method, f"{base.rstrip('/')}/{path}", params=request.query_params,
                                    headers=headers, content=request.stream() if _has_body(request) else None)
    try:
        answer = await client.send(upstream, stream=True)
    except httpx.TimeoutException as exc:
        raise Problem(504, f"{SERVICE_NAMES[service]}响应超时，请稍后重试 (upstream timeout)", code="upstream-timeout") from exc
    except httpx.HTTPError as exc:
        raise Problem(502, f"{SERVICE_NAMES[service]}暂不可用，请稍后重试 (upstream unavailable)",
                      code="upstream-unavailable") from exc
    out_headers = {k: v for k, v in answer.headers.items() if k.lower() not in _DROP_RESPONSE}
    if answer.headers.get("content-type", "").startswith("text/event-stream"):
        out_headers["x-accel-buffering"] = "no"  # a reverse proxy in front must not buffer events
    return StreamingResponse(_relay(answer), status_code=answer.status_code, headers=out_headers,
                             background=BackgroundTask(answer.aclose))


def forwardable(path: str) -> bool:
    """False for the services' ``/internal/…`` endpoints, however spelled: the upstream URL drops
    dot segments (RFC 3986 §5.2.4), so ``./internal/…`` or ``x/../internal/…`` (also as ``%2e``)
    would reach them; such segments are refused outright, as are empty leading ones."""
    parts = path.split("/")
    return not any(part in (".", "..") for part in parts) and next((p for p in parts if p), "") != "internal"


async def _relay(answer: httpx.Response) -> AsyncIterator[bytes]:
    """The body as it arrives; the upstream connection is closed also when the browser leaves
    mid-stream (an event stream is then cancelled here, and the background task never runs)."""
    try:
        async for chunk in answer.aiter_raw():
            yield chunk
    finally:
        await answer.aclose()


for _method in METHODS:  # one operation per method: unique OpenAPI operation ids
    router.add_api_route("/api/{service}/{path:path}", forward, methods=[_method], operation_id=f"forward_{_method.lower()}",
                         summary="转发到服务 forward to a service (registry/claims/evaluation)",
                         **public("转发给服务，由该服务验证令牌与权限 the service forwarded to checks the token"))


def _has_body(request: Request) -> bool:
    return "content-length" in request.headers or "transfer-encoding" in request.headers
