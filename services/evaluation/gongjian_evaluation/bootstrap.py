"""Wires evaluation: settings → runtime (Mongo, Kafka, outbox, batch subscribers) → service → FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI
from gongjian_shared.http import create_app
from gongjian_shared.publishers import declare_topics
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.topics import EVALUATION_ALERTS, EVALUATION_LEDGER, EVALUATION_REVIEWS, EVALUATION_STATS

from .adapters.registry_names import RegistryNames
from .adapters.store import OUTBOX_COLLECTIONS, ensure_indexes
from .clock import Clock, ProcessClock
from .config import EvaluationSettings
from .dashboard import register_dashboard
from .entrypoints import consumers
from .entrypoints.http import routers
from .service.context import Evaluation

PRODUCED = (EVALUATION_LEDGER, EVALUATION_REVIEWS, EVALUATION_ALERTS, EVALUATION_STATS)


def build_app(settings: EvaluationSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or EvaluationSettings()
    runtime = ServiceRuntime(settings, service="evaluation", database=settings.database,
                             outbox_collections=OUTBOX_COLLECTIONS)
    declare_topics(runtime, *PRODUCED)
    evaluation = Evaluation(runtime, clock or ProcessClock(), tick_interval=settings.tick_interval_s,
                            snapshot_interval=settings.snapshot_interval_s, checkpoint_every=settings.checkpoint_every)
    evaluation.names = RegistryNames(settings.registry_url)
    runtime.state["evaluation"] = evaluation
    consumers.register(runtime, evaluation.projector, max_records=settings.batch_max_records)

    async def _start(rt: ServiceRuntime) -> None:
        await ensure_indexes(rt.db)
        await evaluation.start(rt)  # state is loaded before the subscribers start

    runtime.on_startup.append(_start)
    runtime.on_shutdown.append(evaluation.stop)
    app = create_app(runtime, title="共建 · 考评服务 gongjian evaluation",
                     description="积分台账、星级评定、双向评议、预警与统计 (points, ratings, reviews, alerts, stats)")
    for router in routers:
        app.include_router(router)
    register_dashboard(app, runtime)
    return app
