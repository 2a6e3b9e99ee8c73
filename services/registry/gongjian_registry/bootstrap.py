"""Wires the registry: settings → runtime (Mongo, Kafka, outbox) → FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI

from gongjian_shared.http import create_app
from gongjian_shared.publishers import declare_topics
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.topics import REGISTRY_MEMBERS, REGISTRY_PLACES, REGISTRY_UNITS

from .adapters.store import OUTBOX_COLLECTIONS, ensure_indexes
from .config import RegistrySettings
from .entrypoints.http import router


def build_app(settings: RegistrySettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    runtime = ServiceRuntime(settings, service="registry", database=settings.database,
                             outbox_collections=OUTBOX_COLLECTIONS)
    declare_topics(runtime, REGISTRY_PLACES, REGISTRY_UNITS, REGISTRY_MEMBERS)

    async def _indexes(rt: ServiceRuntime) -> None:
        await ensure_indexes(rt.db)

    runtime.on_startup.append(_indexes)
    app = create_app(runtime, title="共建 · 报到服务 gongjian registry",
                     description="地点、驻区单位、党员与双报到 (places, units, members, dual reporting)")
    app.include_router(router)
    return app
