"""Benchmark (issue 10.4): claim → verification → outbox → Kafka → points and statistics visible.

Claims and evaluation run as service processes (uvicorn, 127.0.0.1) on the given Kafka and
MongoDB-wire server (KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL, defaults: the local infra). Members are
seeded through contract-shaped registry events. Then, for each offered rate R, flows start on a
fixed schedule (flow i at t0 + i/R, whatever happened to earlier flows: no coordinated omission).
A flow is three HTTP commands: a member claims, records one hour of service, the community verifies.
Latency is measured from the flow's INTENDED start to the moment, seen by a consumer in this
process, that
  - demand.verified is on claims.demands.v1 (HTTP + claims outbox relay),
  - its points.awarded is on evaluation.ledger.v1 (evaluation publishes after its state holds the
    points, so they are readable over HTTP from then on),
  - a stats.snapshot of the community counts it (evaluation publishes snapshots every
    EVALUATION_SNAPSHOT_S, default 1 s here 0.1 s).
In the same run, the references: a bare aiokafka produce/consume loop (one producer, one consumer,
this process, as fast as it goes and at the same offered rates) and a bare insert_many bulk write.

Goal (issue 10.4): at least 2,000 flows/s with p99 (command → points visible) under 250 ms, and the
throughput at least 0.5x each reference. Exits 1 when the goal is missed, 2 when flows failed or got
lost. SIGTERM or Ctrl-C stops every service process it started and drops its databases.

    uv run python benchmarks/e2e_flow.py [--rates 25,50,100,200] [--seconds 20] [--members 500]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import sys
import time
import uuid
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from gongjian_shared.admin import ensure_topics
from gongjian_shared.settings import DEV_JWT_SECRET
from pymongo import AsyncMongoClient

_spec = importlib.util.spec_from_file_location("claims_race", Path(__file__).with_name("claims_race.py"))
race = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(race)  # the seed, the raw HTTP pool and the token helper of the claims benchmark

KAFKA, MONGO = race.KAFKA, race.MONGO
COMMUNITY = "bench-community"
WATCHED = ("claims.demands.v1", "evaluation.ledger.v1", "evaluation.stats.v1")


def pct(values: list[float], p: float) -> float:
    return race.pct(values, p) if values else float("nan")


class Watcher:
    """One consumer (no group) on the topics where a flow becomes visible; arrival times by key."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.verified: dict[str, tuple[str, float]] = {}  # claim id -> (event id, arrival)
        self.awarded: dict[str, float] = {}  # source event id (demand.verified id) -> arrival
        self.snapshots: list[tuple[float, float]] = []  # (arrival, demands_verified of the community)
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self.consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, enable_auto_commit=False, group_id=None,
                                         fetch_max_wait_ms=5)
        await self.consumer.start()
        tps = []
        for topic in WATCHED:
            parts = self.consumer.partitions_for_topic(self.prefix + topic)
            if not parts:
                await self.consumer._client.force_metadata_update()  # noqa: SLF001 - topic metadata on demand
                parts = self.consumer.partitions_for_topic(self.prefix + topic) or set()
            tps += [TopicPartition(self.prefix + topic, p) for p in parts]
        self.consumer.assign(tps)
        await self.consumer.seek_to_end(*tps)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = await self.consumer.getmany(timeout_ms=50, max_records=5000)
            now = time.perf_counter()
            for tp, records in batch.items():
                topic = tp.topic.removeprefix(self.prefix)
                for r in records:
                    ev = json.loads(r.value)
                    kind = ev["type"].removeprefix("gongjian.")
                    if kind == "demand.verified":
                        self.verified[ev["data"]["claim_id"]] = (ev["id"], now)
                    elif kind == "points.awarded":
                        self.awarded.setdefault(ev["data"]["source_event_id"], now)
                    elif topic == "evaluation.stats.v1" and ev["subject"] == f"community:{COMMUNITY}":
                        self.snapshots.append((now, float(ev["data"].get("demands_verified") or 0)))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self.consumer.stop()


async def run_stage(pool, url: str, watcher: Watcher, members: list[str], rate: float, seconds: float,
                    stage: int) -> dict:
    staff = race.token("community_admin", COMMUNITY, sub="bench-staff")
    flows = int(rate * seconds)
    # Enough demands for every flow: a member claims a demand once; capacity = the members.
    demands = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for n in range((flows + len(members) - 1) // len(members)):
            r = await client.post("/demands", headers=staff, json={
                "community_id": COMMUNITY, "category": "志愿服务", "item": "平安巡逻", "title": f"基准 {stage}-{n}",
                "capacity": len(members)})
            assert r.status_code == 201, r.text
            demands.append(r.json()["id"])
    staff_h = {**staff, "Content-Type": "application/json"}
    tokens = {m: {**race.token("member", sub=m), "Content-Type": "application/json"} for m in members}
    results: list[dict] = []
    failures: list[str] = []
    snapshot_base = watcher.snapshots[-1][1] if watcher.snapshots else 0.0

    async def flow(i: int, intended: float) -> None:
        member, demand = members[i % len(members)], demands[i // len(members)]
        try:
            status, body = await pool.request("POST", f"/demands/{demand}/claims", tokens[member], b"{}")
            if status != 201:
                failures.append(f"claim {status} {body.get('code')}")
                return
            claim = body["claim_id"]
            status, body = await pool.request("POST", f"/demands/{demand}/claims/{claim}/fulfilment", tokens[member],
                                              b'{"hours": 1}')
            if status != 200:
                failures.append(f"fulfilment {status} {body.get('code')}")
                return
            status, body = await pool.request("POST", f"/demands/{demand}/claims/{claim}/verification", staff_h,
                                              b'{"approved": true}')
            if status != 200:
                failures.append(f"verification {status} {body.get('code')}")
                return
            results.append({"claim": claim, "intended": intended, "http": time.perf_counter()})
        except Exception as exc:  # noqa: BLE001 - counted, the schedule goes on
            failures.append(type(exc).__name__)

    t0 = time.perf_counter() + 0.2
    tasks = []
    for i in range(flows):
        intended = t0 + i / rate
        delay = intended - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(flow(i, intended)))
    await asyncio.gather(*tasks)
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if all(r["claim"] in watcher.verified and watcher.verified[r["claim"]][0] in watcher.awarded for r in results):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.5)  # the last snapshot interval
    on_kafka, visible, counted, done = [], [], [], []
    order = sorted(((watcher.verified[r["claim"]][1], r) for r in results if r["claim"] in watcher.verified),
                   key=lambda pair: pair[0])
    for rank, (arrival, r) in enumerate(order, start=1):
        event_id = watcher.verified[r["claim"]][0]
        on_kafka.append(arrival - r["intended"])
        if event_id in watcher.awarded:
            visible.append(watcher.awarded[event_id] - r["intended"])
            done.append(watcher.awarded[event_id])
        # stats: the first community snapshot counting this many verified flows of the stage
        seen = next((t for t, n in watcher.snapshots if n - snapshot_base >= rank), None)
        if seen is not None:
            counted.append(seen - r["intended"])
    http = [r["http"] - r["intended"] for r in results]
    span = (max(done) - t0) if done else float("nan")
    return {"rate": rate, "flows": flows, "ok": len(results), "failures": failures, "visible": len(visible),
            "http": http, "on_kafka": on_kafka, "points": visible, "stats": counted,
            "throughput": len(visible) / span if done else 0.0}


async def bare_kafka(prefix: str, count: int, rate: float | None) -> dict:
    """One producer, one consumer in this process: at ``rate`` per second on a schedule, or flat out."""
    topic = prefix + "bench.bare"
    await ensure_topics(KAFKA, [topic], partitions=3)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=KAFKA, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="latest", fetch_max_wait_ms=5)
    await consumer.start()
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, enable_idempotence=True, acks="all", linger_ms=1)
    await producer.start()
    await consumer.seek_to_end()
    intended: dict[int, float] = {}
    latencies: list[float] = []

    async def consume() -> None:
        while len(latencies) < count:
            batch = await consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for records in batch.values():
                latencies.extend(now - intended[int(r.value.split(b",", 1)[0])] for r in records)

    reader = asyncio.create_task(consume())
    body = json.dumps({"type": "gongjian.demand.verified", "data": {"hours": 1, "pad": "x" * 400}}).encode()
    t0 = time.perf_counter()
    for i in range(count):
        at = t0 + i / rate if rate else time.perf_counter()
        if rate and at > time.perf_counter():
            await asyncio.sleep(at - time.perf_counter())
        intended[i] = at
        await producer.send(topic, str(i).encode() + b"," + body, key=str(i % 97).encode())
    await asyncio.wait_for(reader, timeout=120)
    wall = time.perf_counter() - t0
    await producer.stop()
    await consumer.stop()
    return {"throughput": count / wall, "latencies": latencies}


async def bare_bulk(db, count: int, batch: int = 1000) -> float:
    coll = db["bench_bulk"]
    doc = {"kind": "points.awarded", "holder_id": "m", "points": 10.0, "pad": "x" * 400}
    t0 = time.perf_counter()
    for start_ in range(0, count, batch):
        await coll.insert_many([{**doc, "_id": f"b{start_ + k:09d}"} for k in range(min(batch, count - start_))])
    return count / (time.perf_counter() - t0)


def ms(values: list[float], p: float) -> str:
    return f"{pct(values, p) * 1000:7.0f}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="25,50,100,200", help="offered flows per second, one stage each")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--instances", type=int, default=1,
                        help="processes of each service (claims: the flows dealt in turn; evaluation: one group)")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    race.stop_on_signals()

    prefix = f"bench{uuid.uuid4().hex[:8]}."
    stem = prefix.rstrip(".")
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": KAFKA, "MONGODB_URL": MONGO, "GONGJIAN_TOPIC_PREFIX": prefix,
           "CLAIMS_DB": f"{stem}_claims", "EVALUATION_DB": f"{stem}_evaluation", "GONGJIAN_JWT_SECRET": DEV_JWT_SECRET,
           "GONGJIAN_LOG_LEVEL": "WARNING", "EVALUATION_SNAPSHOT_S": "0.1", "EVALUATION_TICK_S": "3600"}
    members = [f"bench-member-{i:04d}" for i in range(args.members)]
    mongo = AsyncMongoClient(MONGO, maxPoolSize=50)
    misses: list[str] = []
    try:
        claims = [race.start_service(env, "claims") for _ in range(args.instances)]
        evaluation = [race.start_service(env, "evaluation") for _ in range(args.instances)]
        claims_url = claims[0][1]
        print(f"claims pids {', '.join(str(p.pid) for p, _ in claims)}, evaluation pids "
              f"{', '.join(str(p.pid) for p, _ in evaluation)}; database {MONGO}; Kafka {KAFKA}")
        print(f"seeding {len(members)} members via Kafka …", flush=True)
        await race.seed(prefix, COMMUNITY, members)
        await race.wait_for_members(mongo[f"{stem}_claims"], COMMUNITY, len(members))
        watcher = Watcher(prefix)
        await watcher.start()
        pool = race.SpreadPool([url for _, url in claims], args.connections)
        print(f"stages of {args.seconds:.0f} s; latency from the flow's intended start (ms):")
        print(" offered/s  done/s  ok  fail | HTTP p50 p99 | on Kafka p50 p99 | points p50 p99 | stats p50 p99 "
              "| load average")
        stages = []
        for n, rate in enumerate(rates):
            s = await run_stage(pool, claims_url, watcher, members, rate, args.seconds, n)
            stages.append(s)
            print(f" {rate:9.0f} {s['throughput']:7.1f} {s['ok']:5d} {len(s['failures']):4d} |"
                  f"{ms(s['http'], 50)}{ms(s['http'], 99)} |{ms(s['on_kafka'], 50)}{ms(s['on_kafka'], 99)} |"
                  f"{ms(s['points'], 50)}{ms(s['points'], 99)} |{ms(s['stats'], 50)}{ms(s['stats'], 99)} | "
                  f"{race.load_average()}", flush=True)
            if s["failures"]:
                print(f"   failures: {sorted(set(s['failures']))[:5]}")
        await pool.close()
        await watcher.stop()

        print("references in the same run:")
        flat = await bare_kafka(prefix, 20000, None)
        print(f"  bare aiokafka produce/consume, flat out: {flat['throughput']:8.0f} events/s  "
              f"p50 {ms(flat['latencies'], 50)} ms  p99 {ms(flat['latencies'], 99)} ms")
        for rate in rates:
            paced = await bare_kafka(prefix, int(rate * args.seconds), rate)
            print(f"  bare aiokafka at {rate:5.0f}/s on a schedule:           p50 {ms(paced['latencies'], 50)} ms  "
                  f"p99 {ms(paced['latencies'], 99)} ms")
        bulk = await bare_bulk(mongo[f"{stem}_bulk"], 20000)
        print(f"  bare insert_many (1,000 a batch):          {bulk:8.0f} documents/s")
        good = [s for s in stages if s["points"] and pct(s["points"], 99) < 0.25 and s["visible"] >= 0.99 * s["flows"]]
        best = max(good, key=lambda s: s["throughput"]) if good else None
        top = max(stages, key=lambda s: s["throughput"])
        print()
        if best:
            print(f"highest throughput with p99 (command → points visible) < 250 ms: {best['throughput']:.1f} flows/s "
                  f"(offered {best['rate']:.0f}/s)")
        else:
            print("no stage kept p99 (command → points visible) under 250 ms")
        print(f"highest throughput: {top['throughput']:.1f} flows/s (each flow: 3 HTTP commands, 1 verified event)")
        kafka_ratio, bulk_ratio = top["throughput"] / flat["throughput"], top["throughput"] / bulk
        print(f"ratios: to bare aiokafka {kafka_ratio:.3f}, to bare bulk write {bulk_ratio:.3f} (goal >= 0.5 each); "
              f"load average {race.load_average()}")
        if any(s["failures"] or s["visible"] < s["flows"] for s in stages):
            print("FLOWS FAILED OR LOST: " + "; ".join(f"offered {s['rate']:.0f}/s: {len(s['failures'])} failed, "
                                                     f"{s['flows'] - s['visible']} not visible" for s in stages))
            misses.append("flows failed or lost")
        if not best or best["throughput"] < 2000:
            misses.append("under 2,000 flows/s with p99 < 250 ms")
        if kafka_ratio < 0.5 or bulk_ratio < 0.5:
            misses.append("below 0.5x a reference")
    finally:
        race.stop_started()
        for name in (f"{stem}_claims", f"{stem}_evaluation", f"{stem}_bulk"):
            await mongo.drop_database(name)
        await mongo.close()
    if misses:
        print("GOAL MISSED: " + "; ".join(misses))
        sys.exit(2 if "flows failed or lost" in misses else 1)
    print("goal met")


if __name__ == "__main__":
    asyncio.run(main())
