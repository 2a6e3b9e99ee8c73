"""Wires evaluation: settings → runtime (Mongo, Kafka, outbox, subscribers) → FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI

from gongjian_shared.http import create_app
from gongjian_shared.publishers import declare_topics
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.topics import EVALUATION_ALERTS, EVALUATION_LEDGER, EVALUATION_REVIEWS, EVALUATION_STATS

from .adapters.store import OUTBOX_COLLECTIONS, ensure_indexes
from .config import EvaluationSettings
from .dashboard import register_dashboard
from .entrypoints import consumers
from .entrypoints.http import router


def build_app(settings: EvaluationSettings | None = None) -> FastAPI:
    settings = settings or EvaluationSettings()
    runtime = ServiceRuntime(settings, service="evaluation", database=settings.database,
                             outbox_collections=OUTBOX_COLLECTIONS)
    declare_topics(runtime, EVALUATION_LEDGER, EVALUATION_REVIEWS, EVALUATION_ALERTS, EVALUATION_STATS)
    consumers.register(runtime)

    async def _indexes(rt: ServiceRuntime) -> None:
        await ensure_indexes(rt.db)

    runtime.on_startup.append(_indexes)
    app = create_app(runtime, title="共建 · 考评服务 gongjian evaluation",
                     description="积分台账、星级评定、双向评议、预警与统计 (points, ratings, reviews, alerts, stats)")
    app.include_router(router)
    register_dashboard(app, runtime)
    return app
