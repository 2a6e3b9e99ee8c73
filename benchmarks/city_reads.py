"""Benchmark: a city-sized data set loaded through the services' own paths, then the reads the
console and the dashboard make on it (p50/p99 per read; goal: p99 < 100 ms).

    uv run python benchmarks/city_reads.py [--scale 1.0] [--reads 200] [--concurrency 16] [--keep]
                                           [--full-requests] [--reads 0]

``--scale 1`` is the city of issue 10: 500 communities (5 districts, 50 streets), 5,000 units,
200,000 members, 1,000,000 demands with one claim each. A smaller scale shrinks members,
demands and claims (places and units stay). The services run as their own processes on the
Kafka and MongoDB-wire server of KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL (default: the local
infra), in a fresh namespace (databases and topic prefix), dropped afterwards unless --keep.
Loading goes through the services' own paths: places by POST /places; units and members by
the registry's sheet import (POST /imports/units, /imports/members); ten members per community
report there (POST /members/{id}/reports); demands with one claim each by claims' bulk
publishing (POST /imports/demands, 2,000 rows a request, ``--bulk-concurrency`` at once; rows
whose claimant claims has not learnt of yet are sent again, which the path allows: it is
idempotent). Then each read runs ``--reads`` times, one at a time, on random places: latency
per read, p50 and p99 (``--reads 0``: load only). Every step prints its rate, and the long ones
their ETA.

``--full-requests`` measures the loading of the full city at a small scale: the demands go to
as few communities as fill a bulk request (2,000 rows, as every community's share does at
``--scale 1``), so the requests are the full city's, not the handful of rows a community gets at
a small scale (where per-request costs dominate).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict, deque
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _city import City, member_sheet, unit_sheet  # noqa: E402
from gongjian_claims.service.bulk_publish import demand_id_for  # noqa: E402

GOAL_MS = 100.0
BULK_ROWS = 2000  # rows per POST /imports/demands (its maximum)
WAIT_FOR_PROJECTION = {"not-eligible", "unknown-claimant"}


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    if not (env.get("KAFKA_BOOTSTRAP_SERVERS") and env.get("MONGODB_URL")):
        from gongjian_local.infra import ensure_up

        found = ensure_up()
        env.update(KAFKA_BOOTSTRAP_SERVERS=found.kafka_bootstrap, MONGODB_URL=found.mongodb_url)
    from gongjian_local.demo_space import demo_env
    from gongjian_local.infra import free_port
    from gongjian_local.services import SERVICES

    ports = {f"{name.upper()}_PORT": str(free_port()) for name in SERVICES}
    os.environ.update(ports)  # the launcher reads the ports from this process's environment
    env.update(GONGJIAN_DEMO_PREFIX=f"benchcity{uuid.uuid4().hex[:6]}", GONGJIAN_LOG_LEVEL="WARNING", **ports)
    return demo_env(env)


def eta(done: int, total: int, took: float) -> str:
    """Time left at the rate so far, as h:mm:ss."""
    left = int((total - done) * took / done) if done else 0
    return f"{left // 3600}:{left // 60 % 60:02d}:{left % 60:02d}"


class Api:
    def __init__(self, urls: dict[str, str], concurrency: int) -> None:
        from gongjian_shared.auth import issue_token
        from gongjian_shared.settings import ServiceSettings

        self.urls, self.gate = urls, asyncio.Semaphore(concurrency)
        self.http = httpx.AsyncClient(timeout=600)
        secret = ServiceSettings().jwt_secret
        self.token = lambda role, *places, sub=None: {"Authorization": "Bearer " + issue_token(
            secret, sub=sub or f"bench-{role}", role=role, places=list(places), ttl_hours=24)}

    async def call(self, method: str, service: str, path: str, headers: dict, ok=(200, 201, 202), **kw):
        async with self.gate:
            try:
                r = await self.http.request(method, self.urls[service] + path, headers=headers, **kw)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # a keep-alive connection the server closed as it went idle: once more (every call
                # here may repeat: reads, reports and bulk publishing are idempotent, places say 409)
                r = await self.http.request(method, self.urls[service] + path, headers=headers, **kw)
        if r.status_code not in ok:
            raise RuntimeError(f"{method} {service}{path} → {r.status_code}: {r.text[:300]}")
        return r.json()

    async def each(self, label: str, coros: list) -> list:
        """Run coroutines (bounded by the gate), printing progress; returns their results."""
        started, done, results = time.perf_counter(), 0, []
        for chunk in range(0, len(coros), 2000):
            results += await asyncio.gather(*coros[chunk:chunk + 2000])
            done += len(coros[chunk:chunk + 2000])
            took = time.perf_counter() - started
            print(f"\r  {label}: {done:,}/{len(coros):,} ({done / took:,.0f}/s, ETA {eta(done, len(coros), took)})",
                  end="", flush=True)
        print()
        return results


async def load(api: Api, city: City, bulk_concurrency: int, full_requests: bool) -> dict[str, list[str]]:
    admin = api.token("city_admin")
    t0 = time.perf_counter()
    for level in city.places_by_level():
        await api.each(f"places ({level[0]['kind']})",
                       [api.call("POST", "registry", "/places", admin, ok=(201, 409), json=p) for p in level])
    for kind, sheet in (("units", unit_sheet(city)), ("members", member_sheet(city))):
        started = time.perf_counter()
        job = await api.call("POST", "registry", f"/imports/{kind}", admin, files={"file": (f"{kind}.xlsx", sheet)})
        while job["status"] not in ("done", "rejected", "failed"):
            await asyncio.sleep(1)
            job = await api.call("GET", "registry", f"/imports/{job['id']}", admin)
            took, step = time.perf_counter() - started, "written" if job["status"] == "writing" else "validated"
            print(f"\r  importing {kind}: {job['status']} {job.get(step, 0):,}/{job['total']:,} "
                  f"({job.get(step, 0) / took:,.0f}/s, ETA {eta(job.get(step, 0), job['total'], took)})",
                  end="", flush=True)
        print()
        if job["status"] != "done":
            raise RuntimeError(f"import of {kind}: {job['status']} {job.get('errors', [])[:3]}")
        print(f"  imported {kind}: {job.get('created', '?'):,} in {time.perf_counter() - started:.0f}s", flush=True)
    rosters = await api.each("member lists", [api.call(
        "GET", "registry", f"/communities/{c}/members", api.token("community_admin", c)) for c in city.communities])
    reporters = {c: [m["id"] for m in r["members"][:10]] for c, r in zip(city.communities, rosters, strict=True)}
    await api.each("reports (报到)", [api.call(
        "POST", "registry", f"/members/{m}/reports", api.token("member", sub=m), json={"community_id": c, "kind": "home"})
        for c, ms in reporters.items() for m in ms])
    rnd = random.Random(3)
    staffed = [c for c, ms in reporters.items() if ms]  # at small scales some communities have no member
    numbers: dict[str, list[int]] = defaultdict(list)  # demand numbers per community (rows made per request)
    for i in range(city.demands):
        numbers[staffed[i // BULK_ROWS % len(staffed)] if full_requests else rnd.choice(staffed)].append(i)
    chunks = [(c, ns[k:k + BULK_ROWS]) for c, ns in numbers.items() for k in range(0, len(ns), BULK_ROWS)]

    def row(c: str, i: int) -> dict:
        return {"ref": f"d{i}", "community_id": c, "category": "志愿服务", "item": "法律咨询", "title": f"法律咨询 {i}",
                "capacity": 2, "claims": [{"claimant_id": reporters[c][i % len(reporters[c])], "claimant_kind": "member"}]}

    gate, totals, t1 = asyncio.Semaphore(bulk_concurrency), {"demands": 0, "claims": 0}, time.perf_counter()
    # (demands done, seconds) at the last answers: the rate over as many requests as run at once
    answers: deque[tuple[int, float]] = deque([(0, 0.0)], maxlen=bulk_concurrency + 1)

    async def publish(community: str, chunk_numbers: list[int]) -> None:
        chunk = [row(community, i) for i in chunk_numbers]
        async with gate:
            for _ in range(120):  # claims learns of the reports through Kafka: rows refused meanwhile go again
                out = await api.call("POST", "claims", "/imports/demands", api.token("community_admin", community),
                                     json={"rows": chunk})
                totals["demands"] += out["demands"]
                totals["claims"] += out["claims"]
                if not out["errors"]:
                    break
                if any(e["code"] not in WAIT_FOR_PROJECTION for e in out["errors"]):
                    raise RuntimeError(f"bulk publishing refused rows: {out['errors'][:3]}")
                await asyncio.sleep(2)
            else:
                raise RuntimeError(f"claimants still unknown to claims: {out['errors'][:3]}")
        took, done = time.perf_counter() - t1, totals["demands"]
        answers.append((done, took))
        first_done, first_took = answers[0]
        recent = (done - first_done) / (took - first_took) if took > first_took else 0.0
        print(f"\r  demands with claims: {done:,} / {totals['claims']:,} of {city.demands:,} "
              f"({done / took:,.0f} demands/s, lately {recent:,.0f}/s, {time.strftime('%H:%M:%S', time.gmtime())} UTC, "
              f"ETA {eta(done, city.demands, took)})", end="", flush=True)

    await asyncio.gather(*(publish(c, chunk) for c, chunk in chunks))
    print(f"\nloaded in {time.perf_counter() - t0:.0f}s (demands with claims: {time.perf_counter() - t1:.0f}s)",
          flush=True)
    return {"demands": [demand_id_for(c, f"d{i}") for c, ns in numbers.items() for i in ns[:200]]}


def reads(api: Api, city: City, demand_ids: list[str]) -> dict:
    """The console's and the dashboard's reads: (service, path, token) makers on a random place."""
    c, s = lambda r: r.choice(city.communities), lambda r: r.choice(city.streets)
    admin = api.token("city_admin")
    return {
        "registry: members of a community": lambda r: ("registry", f"/communities/{(x := c(r))}/members",
                                                       api.token("community_admin", x)),
        "registry: units of a community": lambda r: ("registry", f"/units?community_id={c(r)}", admin),
        "claims: demands of a community (50)": lambda r: ("claims", f"/demands?place_id={c(r)}", admin),
        "claims: demands of a street (50)": lambda r: ("claims", f"/demands?place_id={s(r)}", admin),
        "claims: demands of a district (50)": lambda r: ("claims", f"/demands?place_id={r.choice(city.districts)}",
                                                         admin),
        "claims: demands of the city (50)": lambda r: ("claims", "/demands?place_id=bc", admin),
        "claims: one demand": lambda r: ("claims", f"/demands/{r.choice(demand_ids)}", admin),
        "evaluation: city statistics": lambda r: ("evaluation", "/stats/city", admin),
        "evaluation: a community's statistics": lambda r: ("evaluation", f"/places/{c(r)}/stats", admin),
        "evaluation: a street's communities": lambda r: ("evaluation", f"/places/{s(r)}/children", admin),
        "evaluation: points leaderboard": lambda r: ("evaluation", "/leaderboards/points?limit=10", admin),
    }


async def measure(api: Api, city: City, demand_ids: list[str], count: int) -> bool:
    rnd, ok = random.Random(5), True
    print(f"\n{'read':40} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, make in reads(api, city, demand_ids).items():
        took = []
        for _ in range(count):
            service, path, headers = make(rnd)
            t = time.perf_counter()
            await api.call("GET", service, path, headers)
            took.append((time.perf_counter() - t) * 1000)
        # "inclusive": with few reads the default method extrapolates p99 beyond the slowest read.
        q = statistics.quantiles(took, n=100, method="inclusive")
        ok &= q[98] < GOAL_MS
        print(f"{name:40} {q[49]:8.1f} {q[98]:8.1f} {max(took):8.1f}  {'ok' if q[98] < GOAL_MS else 'MISSED'}",
              flush=True)
    return ok


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--bulk-concurrency", type=int, default=2, help="bulk publishing requests at once")
    parser.add_argument("--members", type=int, help="members instead of the scale's (to time one step)")
    parser.add_argument("--demands", type=int, help="demands instead of the scale's (to time one step)")
    parser.add_argument("--full-requests", action="store_true",
                        help="demands in as few communities as fill 2,000-row requests (the full city's requests)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    env = _environment()
    from gongjian_local.demo_space import reset
    from gongjian_local.services import running_services

    city = City(args.scale)
    city.members, city.demands = args.members or city.members, args.demands or city.demands
    print(f"city at scale {args.scale}: {len(city.communities)} communities, {city.units:,} units, "
          f"{city.members:,} members, {city.demands:,} demands (namespace {env['GONGJIAN_TOPIC_PREFIX']})", flush=True)
    try:
        with running_services(env, log=lambda line: None) as services:
            api = Api({name: s.url for name, s in services.items()}, args.concurrency)
            loaded = await load(api, city, args.bulk_concurrency, args.full_requests)
            await asyncio.sleep(5)  # let evaluation catch up with the last events
            ok = await measure(api, city, loaded["demands"], args.reads) if args.reads else True
            await api.http.aclose()
    finally:
        if not args.keep:
            await asyncio.to_thread(reset, env)
    print(f"goal p99 < {GOAL_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
