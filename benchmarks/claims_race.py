"""Benchmark: 1,000 concurrent claims on one demand of capacity 50, repeated 20 times.

The claims service runs in its own process (uvicorn, 127.0.0.1) on the given Kafka and
MongoDB-wire server (KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL, defaults: the local infra).
1,000 distinct members, all eligible (registered and reported through contract-shaped
registry events on Kafka), claim the same demand at once. Each round must end with
exactly 50 claims granted, 950 refused with 409 and nobody twice; the script fails
otherwise. It prints the latency (p50/p99) and claims per second, and, as the reference,
the rate of the bare conditional update_one (the classic one-document claim) on the same
database server, raced the same way, one bare round after each claims round (so that the
machine's background load weighs on both alike).

Goal (issue 10.5): claims at least 0.5x the bare update (mean of the per-round ratios), with
no decline across the rounds (the mean ratio of the last quarter of rounds at least 0.85x
that of the first quarter: collections grow with every round, so a scan would show here).
Exits 1 when the goal is missed, 2 when a round is wrong (over capacity, a claimant twice).
SIGTERM or Ctrl-C stops the service process it started and drops its database.

    uv run python benchmarks/claims_race.py [--rounds 20] [--claims 1000] [--capacity 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter

import httpx
from aiokafka import AIOKafkaProducer
from gongjian_shared.auth import issue_token
from gongjian_shared.envelope import CONTENT_TYPE, new_event
from gongjian_shared.settings import DEV_JWT_SECRET
from gongjian_shared.testing import free_port
from pymongo import AsyncMongoClient

KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
MONGO = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017/?directConnection=true")


STARTED: list[subprocess.Popen] = []  # every service process a benchmark started, stopped on any exit


def stop_started(timeout: float = 30) -> None:
    """Stop every service process started here (SIGTERM, then SIGKILL after ``timeout``), once."""
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def stop_on_signals() -> None:
    """SIGTERM / SIGINT: stop the services at once, then unwind (the callers' ``finally`` drop their data).

    The services run in their own sessions (a terminal's Ctrl-C does not reach them), so
    without this a stopped benchmark would leave them running with their ports held.
    """
    def handler(signum: int, _frame: object) -> None:
        signal.signal(signum, signal.SIG_IGN)  # a second signal does not interrupt the clean-up
        stop_started(timeout=10)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def start_service(env: dict[str, str], service: str = "claims") -> tuple[subprocess.Popen, str]:
    """A service app under uvicorn in its own process (keep-alive long enough for a queue of requests)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", f"gongjian_{service}.bootstrap:build_app",
                             "--host", "127.0.0.1", "--port", str(port), "--timeout-keep-alive", "120",
                             "--no-access-log", "--log-level", "warning"], env=env, start_new_session=True)
    STARTED.append(proc)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{service} exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{service} not ready within 180 s")


def token(role: str, *places: str, sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(DEV_JWT_SECRET, sub=sub, role=role, places=list(places))}"}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def seed(prefix: str, community: str, members: list[str]) -> None:
    """A city, one community and the members, as the registry would publish them."""
    path = ["bench-city", "bench-district", "bench-street", community]
    events = [("registry.places.v1", new_event(source="gongjian/registry", type="place.created", subject=pid, data={
        "place_id": pid, "kind": kind, "name": name, "parent_id": path[i - 1] if i else None, "path": path[:i + 1]}))
        for i, (pid, kind, name) in enumerate(zip(path, ("city", "district", "street", "community"),
                                                  ("基准市", "基准区", "基准街道", "基准社区"), strict=True))]
    for m in members:
        registered = {"member_id": m, "name_masked": "张*", "kind": "in_service", "specialties": ["法律"]}
        reported = {"member_id": m, "community_id": community, "kind": "home"}
        events.append(("registry.members.v1", new_event(source="gongjian/registry", type="member.registered",
                                                        subject=m, data=registered)))
        events.append(("registry.members.v1", new_event(source="gongjian/registry", type="member.reported",
                                                        subject=m, data=reported, communityid=community)))
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, enable_idempotence=True, acks="all", linger_ms=5)
    await producer.start()
    try:
        sends = [await producer.send(prefix + topic, ev.to_bytes(), key=ev.subject.encode(),
                                     headers=[("content-type", CONTENT_TYPE.encode())]) for topic, ev in events]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def wait_for_members(db, community: str, count: int, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await db["members"].count_documents({"communities": community}) >= count:
            return
        await asyncio.sleep(0.5)
    raise SystemExit("claims did not learn of the members in time")


class RawPool:
    """A minimal keep-alive HTTP/1.1 client on asyncio streams.

    The load generator shares two cores with the service: a full client library (httpx
    needs ~30 s for 1,000 concurrent GET /healthz here, this ~0.3 s) would measure itself.
    """

    def __init__(self, url: str, size: int) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.host, self.port, self.size = host, int(port), size
        self.idle: asyncio.Queue = asyncio.Queue()
        self.opened = 0

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.idle.empty() and self.opened < self.size:
            self.opened += 1
            return await asyncio.open_connection(self.host, self.port)
        return await self.idle.get()

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, dict]:
        reader, writer = await self._connection()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        writer.write(head.encode() + body)
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        data = await reader.readexactly(length)
        self.idle.put_nowait((reader, writer))
        return status, json.loads(data) if data else {}

    async def close(self) -> None:
        while not self.idle.empty():
            _, writer = self.idle.get_nowait()
            writer.close()


class SpreadPool:
    """Requests dealt in turn to one ``RawPool`` per service instance, as a load balancer would."""

    def __init__(self, urls: list[str], connections: int) -> None:
        self.pools = [RawPool(url, max(1, connections // len(urls))) for url in urls]
        self.turn = 0

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, dict]:
        self.turn += 1
        return await self.pools[self.turn % len(self.pools)].request(method, path, headers, body)

    async def close(self) -> None:
        for pool in self.pools:
            await pool.close()


class ClaimRound:
    """One round: a new demand of ``capacity`` places, every member claims it at once."""

    def __init__(self, urls: list[str], community: str, members: list[str], capacity: int, connections: int) -> None:
        self.community, self.capacity = community, capacity
        self.staff = token("community_admin", community, sub="bench-staff")
        self.headers = [token("member", sub=m) for m in members]
        # All requests are issued at once over a pool of keep-alive connections (a thousand
        # fresh TCP connects at one instant would overflow the listen backlog).
        self.pool = SpreadPool(urls, connections)

    async def run(self, client: httpx.AsyncClient, n: int) -> tuple[float, list[float]]:
        r = await client.post("/demands", headers=self.staff, json={
            "community_id": self.community, "category": "志愿服务", "item": "法律咨询", "title": f"基准需求 {n}",
            "capacity": self.capacity})
        assert r.status_code == 201, r.text
        demand = r.json()["id"]

        async def claim(h: dict[str, str]) -> tuple[int, str, float]:
            start = time.perf_counter()
            status, body = await self.pool.request("POST", f"/demands/{demand}/claims", h)
            return status, body.get("claimant_id") or body.get("code"), time.perf_counter() - start

        started = time.perf_counter()
        results = await asyncio.gather(*[claim(h) for h in self.headers])
        wall = time.perf_counter() - started
        statuses = Counter(s for s, _, _ in results)
        winners = [who for s, who, _ in results if s == 201]
        wrong = None
        if statuses != {201: self.capacity, 409: len(self.headers) - self.capacity}:
            wrong = f"round {n}: {statuses}"
        elif len(set(winners)) != self.capacity:
            wrong = f"round {n}: a claimant twice"
        else:
            got = (await client.get(f"/demands/{demand}", headers=self.staff)).json()
            if len(got["claims"]) != self.capacity or got["slots_left"] != 0:
                wrong = f"round {n}: stored {len(got['claims'])}"
        if wrong:
            print(f"WRONG {wrong}", flush=True)
            raise SystemExit(2)
        return len(self.headers) / wall, [lat for _, _, lat in results]


async def bare_round(db, n: int, claimants: int, capacity: int) -> tuple[float, list[float]]:
    """The reference: the conditional update of one document, raced the same way."""
    coll = db["bench_bare"]
    doc_id = f"bare-{n}"
    await coll.insert_one({"_id": doc_id, "status": "open", "slots_left": capacity, "claimant_ids": []})

    async def update(i: int) -> tuple[int, float]:
        start = time.perf_counter()
        result = await coll.update_one(
            {"_id": doc_id, "status": "open", "slots_left": {"$gt": 0}, "claimant_ids": {"$ne": f"m{i}"}},
            {"$inc": {"slots_left": -1}, "$push": {"claimant_ids": f"m{i}"}})
        return result.modified_count, time.perf_counter() - start

    started = time.perf_counter()
    results = await asyncio.gather(*[update(i) for i in range(claimants)])
    wall = time.perf_counter() - started
    granted = sum(m for m, _ in results)
    if granted != capacity:
        print(f"WRONG bare update round {n}: {granted} granted (server not atomic?)", flush=True)
        raise SystemExit(2)
    return claimants / wall, [lat for _, lat in results]


def report(name: str, figures: dict) -> None:
    lat = figures["latencies"]
    print(f"{name}: p50 {pct(lat, 50) * 1000:7.1f} ms   p99 {pct(lat, 99) * 1000:7.1f} ms   "
          f"{statistics.mean(figures['rates']):7.0f} per second (mean of rounds; "
          f"min {min(figures['rates']):.0f}, max {max(figures['rates']):.0f})")


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used (Linux /proc; 0 elsewhere).

    The service's CPU per claim is the figure that barely moves with the machine's other load
    (the rates do: other engineers share the cores), so changes to the claim path compare on it.
    """
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            return 0.0
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


def judge(claims: dict, bare: dict) -> list[str]:
    """The goal's misses (empty when met): mean ratio >= 0.5, last quarter >= 0.85x the first."""
    ratios = [c / b for c, b in zip(claims["rates"], bare["rates"], strict=True)]
    quarter = max(1, len(ratios) // 4)
    first, last = statistics.mean(ratios[:quarter]), statistics.mean(ratios[-quarter:])
    print(f"ratio claims / bare: mean {statistics.mean(ratios):.2f} (goal >= 0.50); first {quarter} rounds "
          f"{first:.2f}, last {quarter} rounds {last:.2f} (goal: last >= 0.85x first, i.e. no decline)")
    misses = []
    if statistics.mean(ratios) < 0.5:
        misses.append("claims below 0.5x the bare conditional update")
    if len(ratios) >= 4 and last < 0.85 * first:
        misses.append("the claim rate declines across the rounds")
    return misses


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--connections", type=int, default=200, help="HTTP connections the claims share")
    parser.add_argument("--instances", type=int, default=1,
                        help="claims service processes (one consumer group, one database), the claims dealt in turn")
    args = parser.parse_args()
    stop_on_signals()

    prefix = f"bench{uuid.uuid4().hex[:8]}."
    database = f"{prefix.rstrip('.')}_claims"
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": KAFKA, "MONGODB_URL": MONGO, "GONGJIAN_TOPIC_PREFIX": prefix,
           "CLAIMS_DB": database, "GONGJIAN_JWT_SECRET": DEV_JWT_SECRET, "GONGJIAN_LOG_LEVEL": "WARNING",
           # One address sends what a thousand phones would: its client limit (6,000 a minute) is
           # raised, still counted; each member's claim limit (30 a minute) applies as it is.
           "GONGJIAN_RATE_LIMITS": json.dumps({"client": "100000000/60"})}
    mongo = AsyncMongoClient(MONGO, maxPoolSize=200)
    misses: list[str] = []
    try:
        started = [start_service(env) for _ in range(args.instances)]
        url = started[0][1]
        community = "bench-community"
        members = [f"bench-member-{i:04d}" for i in range(args.claims)]
        print(f"claims service: {len(started)} uvicorn process(es), pids "
              f"{', '.join(str(proc.pid) for proc, _ in started)} at {', '.join(u for _, u in started)}; "
              f"database {MONGO}; Kafka {KAFKA}")
        print(f"seeding {len(members)} members via Kafka …", flush=True)
        await seed(prefix, community, members)
        await wait_for_members(mongo[database], community, len(members))
        print(f"{args.rounds} rounds × {args.claims} concurrent claims on capacity {args.capacity} "
              f"({args.connections} HTTP connections), each followed by a bare round:")
        rounds = ClaimRound([u for _, u in started], community, members, args.capacity, args.connections)
        claims: dict = {"latencies": [], "rates": [], "cpu_ms": []}
        pids = [proc.pid for proc, _ in started]
        bare: dict = {"latencies": [], "rates": []}
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            for n in range(1, args.rounds + 1):
                cpu_before = cpu_seconds(pids)
                claimed = await rounds.run(client, n)
                claims["cpu_ms"].append((cpu_seconds(pids) - cpu_before) * 1000 / args.claims)
                for figures, (rate, latencies) in ((claims, claimed),
                                                   (bare, await bare_round(mongo[database], n, args.claims,
                                                                           args.capacity))):
                    figures["rates"].append(rate)
                    figures["latencies"] += latencies
                print(f"  round {n:2d}: {args.capacity} granted, {args.claims - args.capacity} refused; "
                      f"claims {claims['rates'][-1]:6.0f}/s, bare {bare['rates'][-1]:6.0f}/s, "
                      f"ratio {claims['rates'][-1] / bare['rates'][-1]:.2f}; service CPU {claims['cpu_ms'][-1]:.2f} ms/claim; "
                      f"load average {load_average()}",
                      flush=True)
        await rounds.pool.close()
        print()
        print(f"every round: exactly {args.capacity} granted, {args.claims - args.capacity} refused (409), nobody twice")
        report("claims over HTTP (service process)   ", claims)
        report("reference: bare conditional update_one", bare)
        print(f"claims service CPU per claim (user+system, all instances): mean {statistics.mean(claims['cpu_ms']):.2f} ms"
              f" (rounds 2 on: {statistics.mean(claims['cpu_ms'][1:] or claims['cpu_ms']):.2f} ms)")
        misses = judge(claims, bare)
    finally:
        stop_started()
        await mongo.drop_database(database)
        await mongo.close()
    if misses:
        print("GOAL MISSED: " + "; ".join(misses))
        sys.exit(1)
    print("goal met")


if __name__ == "__main__":
    asyncio.run(main())
