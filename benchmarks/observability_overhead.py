"""What metrics, a server span and the correlation id cost per HTTP request (ObserveHTTP).

Two FastAPI apps answer the same trivial route in-process (httpx ASGI transport, no network):
one bare (no telemetry), one as every service runs (FastAPI's server span continuing the request's
traceparent, and gongjian_shared.observe.ObserveHTTP: Prometheus metrics and the correlation id).
Prints requests per CPU-second (process time: fair on a shared machine) and the added CPU microseconds per request.

    uv run python benchmarks/observability_overhead.py [requests]
"""

from __future__ import annotations

import asyncio
import sys
import time

import httpx
from fastapi import FastAPI

from gongjian_shared.http import TELEMETRY
from gongjian_shared.observe import ObserveHTTP
from gongjian_shared.settings import ServiceSettings
from gongjian_shared.tracing import configure_tracing


def make_app(observed: bool) -> FastAPI:
    # Bare: no telemetry at all. Observed: what create_app() sets up (FastAPI's server span + ObserveHTTP).
    app = FastAPI(telemetry=TELEMETRY if observed else {"tracing": False, "metrics": False, "logs": False})

    @app.get("/demands/{demand_id}")
    async def demand(demand_id: str) -> dict[str, str]:
        return {"id": demand_id}

    if observed:
        app.add_middleware(ObserveHTTP, service="bench")
    return app


async def rate(app: FastAPI, n: int) -> float:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for i in range(200):  # warm-up
            await client.get(f"/demands/d{i}")
        started = time.process_time()  # CPU time: fair on a busy machine
        for i in range(n):
            await client.get(f"/demands/d{i}", headers={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"})
        return n / (time.process_time() - started)


async def main(n: int) -> None:
    configure_tracing(ServiceSettings(), "bench")
    bare, observed = [], []
    for _ in range(3):  # alternate to share the machine's noise
        bare.append(await rate(make_app(False), n))
        observed.append(await rate(make_app(True), n))
    b, o = max(bare), max(observed)
    print(f"bare app:      {b:8.0f} requests per CPU-second (best of 3, {n} requests each)")
    print(f"observed app:  {o:8.0f} requests per CPU-second")
    print(f"overhead:      {1e6 / o - 1e6 / b:8.1f} µs CPU per request ({o / b:.2f}× the bare rate)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
