"""Live dashboard (大屏) of the evaluation service and the event stream behind it.

``register_dashboard(app, runtime)`` adds the page, its static files, its data endpoints
and the SSE stream to the app, and starts the background reader with the service.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .hub import DashboardHub
from .router import STATIC, router


def register_dashboard(app: FastAPI, runtime: Any) -> None:
    # Days of claims activity the time charts show (read back from Kafka at every start).
    days = int(os.environ.get("GONGJIAN_DASHBOARD_DAYS", "7"))
    hub = DashboardHub(runtime.settings, days=days)
    app.state.dashboard_hub = hub

    async def _start(rt: Any) -> None:
        await hub.start()

    async def _stop(rt: Any) -> None:
        await hub.stop()

    runtime.on_startup.append(_start)
    runtime.on_shutdown.append(_stop)
    app.include_router(router)
    app.mount("/dashboard/static", StaticFiles(directory=STATIC), name="dashboard-static")


__all__ = ["register_dashboard"]
