"""Wires claims: settings → runtime (Mongo, Kafka, outbox, subscribers) → FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI

from gongjian_shared.http import create_app
from gongjian_shared.publishers import declare_topics
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.topics import CLAIMS_DEMANDS, CLAIMS_SUGGESTIONS, CLAIMS_WISHES

from .adapters.store import OUTBOX_COLLECTIONS, ensure_indexes
from .config import ClaimsSettings
from .entrypoints import consumers
from .entrypoints.http import router


def build_app(settings: ClaimsSettings | None = None) -> FastAPI:
    settings = settings or ClaimsSettings()
    runtime = ServiceRuntime(settings, service="claims", database=settings.database,
                             outbox_collections=OUTBOX_COLLECTIONS)
    declare_topics(runtime, CLAIMS_DEMANDS, CLAIMS_WISHES, CLAIMS_SUGGESTIONS)
    consumers.register(runtime)

    async def _indexes(rt: ServiceRuntime) -> None:
        await ensure_indexes(rt.db)

    runtime.on_startup.append(_indexes)
    app = create_app(runtime, title="共建 · 认领服务 gongjian claims",
                     description="需求、微心愿、服务岗位、认领规则、服务登记与核验 (needs, wishes, claims, verification)")
    app.include_router(router)
    return app
