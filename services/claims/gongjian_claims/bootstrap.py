"""Wires claims: settings → runtime (Mongo, Kafka, outbox, subscribers, scheduler) → FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI
from gongjian_shared.http import create_app, include_routes
from gongjian_shared.publishers import declare_topics
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.topics import CLAIMS_DEMANDS, CLAIMS_INSPECTIONS, CLAIMS_NOTICES, CLAIMS_SUGGESTIONS, CLAIMS_WISHES

from .adapters import bulk_writes
from .adapters.store import OUTBOX_COLLECTIONS, ensure_indexes
from .config import ClaimsSettings
from .entrypoints import consumers, notices
from .entrypoints.http import routers
from .service import catalogue, count_repair, migrations, notifications
from .service.supervision import Scheduler


def build_app(settings: ClaimsSettings | None = None) -> FastAPI:
    settings = settings or ClaimsSettings()
    runtime = ServiceRuntime(settings, service="claims", database=settings.database,
                             outbox_collections=OUTBOX_COLLECTIONS)
    declare_topics(runtime, CLAIMS_DEMANDS, CLAIMS_WISHES, CLAIMS_SUGGESTIONS, CLAIMS_NOTICES, CLAIMS_INSPECTIONS)
    consumers.register(runtime)
    notices.register(runtime)
    scheduler = Scheduler(runtime, interval_s=settings.scheduler_interval_s, lease_s=settings.job_lease_s)
    runtime.state["scheduler"] = scheduler

    async def _prepare(rt: ServiceRuntime) -> None:
        notifications.bind(rt)
        await ensure_indexes(rt.db)
        await migrations.backfill_demand_levels(rt.db)
        await migrations.count_demands(rt.db)
        await count_repair.repair(rt.db)  # list totals a crash left unfinished (also every minute)
        await bulk_writes.recover(rt)  # events of a bulk publishing that crashed mid-way
        await catalogue.seed(rt.db)
        if settings.scheduler_enabled and settings.runs_consumers:  # background work: not in API-only pods
            await scheduler.start()

    async def _stop_scheduler(rt: ServiceRuntime) -> None:
        await scheduler.stop()

    runtime.on_startup.append(_prepare)
    runtime.on_shutdown.append(_stop_scheduler)
    app = create_app(runtime, title="共建 · 认领服务 gongjian claims",
                     description="三张清单、服务清单、微心愿、服务岗位、认领规则、选派、服务登记与核验、销号评价、督办、"
                                 "意见建议、精准对接 (needs, resources, projects, wishes, positions, claims, dispatch, "
                                 "verification, supervision, suggestions, matching)",
                     uploads={r"/evidence$": int(settings.evidence_max_mb * 1024 * 1024)})
    include_routes(app, *routers)
    return app
