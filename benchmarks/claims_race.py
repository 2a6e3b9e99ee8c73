"""Benchmark: 1,000 concurrent claims on one demand of capacity 50, repeated 20 times.

The claims service runs in its own process (uvicorn, 127.0.0.1) on the given Kafka and
MongoDB-wire server (KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL, defaults: the local infra).
1,000 distinct members, all eligible (registered and reported through contract-shaped
registry events on Kafka), claim the same demand at once. Each round must end with
exactly 50 claims granted, 950 refused with 409 and nobody twice; the script fails
otherwise. It prints the latency (p50/p99) and claims per second, and, as the reference,
the rate of the bare conditional update_one (the classic one-document claim) on the same
database server, raced the same way.

    uv run python benchmarks/claims_race.py [--rounds 20] [--claims 1000] [--capacity 50] [--url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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


def start_service(env: dict[str, str], service: str = "claims") -> tuple[subprocess.Popen, str]:
    """A service app under uvicorn in its own process (keep-alive long enough for a queue of requests)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", f"gongjian_{service}.bootstrap:build_app",
                             "--host", "127.0.0.1", "--port", str(port), "--timeout-keep-alive", "120",
                             "--no-access-log", "--log-level", "warning"], env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{service} exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"{service} not ready within 90 s")


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


async def wait_for_members(db, community: str, count: int, timeout: float = 180) -> None:
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


async def claim_rounds(url: str, community: str, members: list[str], rounds: int, capacity: int,
                       connections: int) -> dict:
    staff = token("community_admin", community, sub="bench-staff")
    headers = [token("member", sub=m) for m in members]
    latencies: list[float] = []
    rates: list[float] = []
    # All requests are issued at once over a pool of keep-alive connections (a thousand
    # fresh TCP connects at one instant would overflow the listen backlog).
    pool = RawPool(url, connections)
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        for n in range(1, rounds + 1):
            r = await client.post("/demands", headers=staff, json={
                "community_id": community, "category": "志愿服务", "item": "法律咨询", "title": f"基准需求 {n}",
                "capacity": capacity})
            assert r.status_code == 201, r.text
            demand = r.json()["id"]

            async def claim(h: dict[str, str]) -> tuple[int, str, float]:
                start = time.perf_counter()
                status, body = await pool.request("POST", f"/demands/{demand}/claims", h)
                return status, body.get("claimant_id") or body.get("code"), time.perf_counter() - start

            started = time.perf_counter()
            results = await asyncio.gather(*[claim(h) for h in headers])
            wall = time.perf_counter() - started
            statuses = Counter(s for s, _, _ in results)
            winners = [who for s, who, _ in results if s == 201]
            assert statuses == {201: capacity, 409: len(members) - capacity}, f"round {n}: {statuses}"
            assert len(set(winners)) == capacity, f"round {n}: a claimant twice"
            got = (await client.get(f"/demands/{demand}", headers=staff)).json()
            assert len(got["claims"]) == capacity and got["slots_left"] == 0, f"round {n}: stored {len(got['claims'])}"
            latencies += [lat for _, _, lat in results]
            rates.append(len(members) / wall)
            print(f"  round {n:2d}: 201×{statuses[201]} 409×{statuses[409]}  {wall:6.2f} s  "
                  f"{len(members) / wall:7.0f} claims/s", flush=True)
    await pool.close()
    return {"latencies": latencies, "rates": rates}


async def bare_update_rounds(db, claimants: int, rounds: int, capacity: int) -> dict:
    """The reference: the conditional update of one document, raced the same way."""
    coll = db["bench_bare"]
    latencies: list[float] = []
    rates: list[float] = []
    for n in range(rounds):
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
        assert granted == capacity, f"bare update round {n}: {granted} granted (server not atomic?)"
        latencies += [lat for _, lat in results]
        rates.append(claimants / wall)
    return {"latencies": latencies, "rates": rates}


def report(name: str, figures: dict) -> None:
    lat = figures["latencies"]
    print(f"{name}: p50 {pct(lat, 50) * 1000:7.1f} ms   p99 {pct(lat, 99) * 1000:7.1f} ms   "
          f"{statistics.mean(figures['rates']):7.0f} per second (mean of rounds; "
          f"min {min(figures['rates']):.0f}, max {max(figures['rates']):.0f})")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=50)
    parser.add_argument("--connections", type=int, default=200, help="HTTP connections the claims share")
    args = parser.parse_args()

    prefix = f"bench{uuid.uuid4().hex[:8]}."
    database = f"{prefix.rstrip('.')}_claims"
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": KAFKA, "MONGODB_URL": MONGO, "GONGJIAN_TOPIC_PREFIX": prefix,
           "CLAIMS_DB": database, "GONGJIAN_JWT_SECRET": DEV_JWT_SECRET, "GONGJIAN_LOG_LEVEL": "WARNING"}
    proc, url = start_service(env)
    mongo = AsyncMongoClient(MONGO, maxPoolSize=200)
    try:
        community = "bench-community"
        members = [f"bench-member-{i:04d}" for i in range(args.claims)]
        print(f"claims service (uvicorn, pid {proc.pid}) at {url}; database {MONGO}; Kafka {KAFKA}")
        print(f"seeding {len(members)} members via Kafka …", flush=True)
        await seed(prefix, community, members)
        await wait_for_members(mongo[database], community, len(members))
        print(f"{args.rounds} rounds × {args.claims} concurrent claims on capacity {args.capacity} "
              f"({args.connections} HTTP connections):")
        claims = await claim_rounds(url, community, members, args.rounds, args.capacity, args.connections)
        bare = await bare_update_rounds(mongo[database], args.claims, args.rounds, args.capacity)
        print()
        print(f"every round: exactly {args.capacity} granted, {args.claims - args.capacity} refused (409), nobody twice")
        report("claims over HTTP (service process)   ", claims)
        report("reference: bare conditional update_one", bare)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        await mongo.drop_database(database)
        await mongo.close()


if __name__ == "__main__":
    asyncio.run(main())
