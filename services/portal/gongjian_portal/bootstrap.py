"""Wires the portal: settings → runtime (its MongoDB, an HTTP client) → parts → FastAPI app.

The portal publishes and consumes no events, so its runtime starts no Kafka producer or
consumer; it is ready when its database answers. The services it forwards to are not part
of readiness: pages and sign-in work while one of them restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from gongjian_shared.http import create_app
from gongjian_shared.mongo import make_client, ping
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.tracing import httpx_hooks

from .adapters.oidc import OidcVerifier
from .adapters.registry import RegistryClient
from .adapters.sms import make_sender
from .adapters.store import drop_expired, ensure_indexes
from .config import PortalSettings
from .entrypoints import http_accounts, http_auth, pages, proxy
from .service.accounts import Accounts
from .service.codes import Codes
from .service.sessions import Sessions


@dataclass
class Parts:
    codes: Codes
    accounts: Accounts
    sessions: Sessions
    registry: RegistryClient
    sender: Any
    oidc: OidcVerifier | None


class PortalRuntime(ServiceRuntime):
    """MongoDB and one pooled HTTP client; no Kafka (the portal has no events)."""

    def __init__(self, settings: PortalSettings) -> None:
        super().__init__(settings, service="portal", database=settings.database, start_subscribers=False)
        self.http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self.mongo = make_client(self.settings.mongodb_url)
        self.db = self.mongo[self.database_name]
        # No overall timeout: event streams stay open; connecting must still be quick.
        # The hooks carry the trace context and correlation id on to the services (one trace per action).
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(None, connect=5), follow_redirects=False,
                                      event_hooks=httpx_hooks())
        for hook in self.on_startup:
            await hook(self)

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.aclose()
        if self.mongo is not None:
            await self.mongo.close()

    async def ready(self) -> dict[str, bool]:
        return {"mongodb": await ping(self.mongo)}


def build_parts(runtime: PortalRuntime, settings: PortalSettings) -> Parts:
    registry = RegistryClient(settings.registry_url, settings.jwt_secret, runtime.http)
    sender = make_sender(settings, runtime.http)
    oidc = (OidcVerifier(settings.oidc_issuer, settings.oidc_client_id, settings.oidc_jwks_url)
            if settings.oidc_issuer and settings.oidc_client_id and settings.oidc_jwks_url else None)
    return Parts(codes=Codes(runtime.db, settings, sender), accounts=Accounts(runtime.db, registry, settings),
                 sessions=Sessions(runtime.db, settings), registry=registry, sender=sender, oidc=oidc)


def build_app(settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    runtime = PortalRuntime(settings)
    app = create_app(runtime, title="共建 · 门户 gongjian portal",
                     description="浏览器唯一入口：手机端与管理后台页面、短信验证码/密码/统一身份认证登录、"
                                 "转发到报到、认领、考评服务 (pages, sign-in, forwarding to the services)",
                     uploads={r"^/api/(registry|claims|evaluation)/": None})  # streamed on; each service limits

    async def _prepare(rt: ServiceRuntime) -> None:
        await ensure_indexes(rt.db)
        await drop_expired(rt.db)
        app.state.upstream = runtime.http
        app.state.parts = build_parts(runtime, settings)

    runtime.on_startup.append(_prepare)
    for module in (http_auth, http_accounts, proxy, pages):
        app.include_router(module.router)
    return app
