"""Wires the registry: settings → runtime (Mongo, Kafka, outbox) → FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI
from pymongo.errors import BulkWriteError

from gongjian_shared.http import create_app
from gongjian_shared.publishers import declare_topics
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.topics import REGISTRY_MEMBERS, REGISTRY_PLACES, REGISTRY_UNITS

from .adapters.crypto import Vault
from .adapters.store import OUTBOX_COLLECTIONS, SPECIALTIES, ensure_indexes
from .config import RegistrySettings
from .domain.specialties import DEFAULT_SPECIALTIES
from .entrypoints.http import router
from .service.batch_outbox import recover
from .service.migrations import backfill_report_fields
from .service.people import backfill_phone_index


def build_app(settings: RegistrySettings | None = None) -> FastAPI:
    settings = settings or RegistrySettings()
    runtime = ServiceRuntime(settings, service="registry", database=settings.database,
                             outbox_collections=OUTBOX_COLLECTIONS)
    declare_topics(runtime, REGISTRY_PLACES, REGISTRY_UNITS, REGISTRY_MEMBERS)
    vault = Vault(settings.vault_keys(), settings.person_key, settings.phone_index_key,
                  current=settings.data_key_id)
    runtime.state["vault"] = vault

    async def _prepare(rt: ServiceRuntime) -> None:
        await ensure_indexes(rt.db)
        try:  # seed the managed specialty list once; existing entries stay as they are
            await rt.db[SPECIALTIES].insert_many([{"_id": s} for s in DEFAULT_SPECIALTIES], ordered=False)
        except BulkWriteError:
            pass
        await recover(rt)  # events of an import that crashed mid-way
        await backfill_phone_index(rt.db, vault)  # members stored before sign-in by phone existed
        await backfill_report_fields(rt.db)  # members who reported before the top-level report fields

    runtime.on_startup.append(_prepare)
    app = create_app(runtime, title="共建 · 报到服务 gongjian registry",
                     description="地点、驻区单位、党员与双报到、批量导入 (places, units, members, dual reporting, bulk import)",
                     uploads={r"^/imports/(members|units)$": settings.max_upload_mb * 1024 * 1024})
    app.state.vault = vault
    app.include_router(router)
    return app
