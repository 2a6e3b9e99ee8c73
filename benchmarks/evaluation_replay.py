"""Benchmark: replay N contract-shaped events (default 1,000,000) through evaluation's ledger and statistics.

1. Generates a city (5 districts, 20 streets, 200 communities, 50,000 members, 2,000 units) and its
   activity, mostly demand.verified and member.reported, and produces it to fresh test topics
   (KAFKA_BOOTSTRAP_SERVERS / MONGODB_URL, defaults: the local infra). Not timed.
2. The reference: a bare loop on the same machine: aiokafka ``getmany`` of the same records and
   ``insert_many`` of one document per event (the parsed event) into a fresh collection.
3. Evaluation as it runs: the service app (FastStream batch subscribers, projector, journal,
   outbox relay publishing points.awarded, stats.snapshot publisher) consumes the same topics with
   its own consumer groups; timed from start until every event is applied and every award published.

    uv run python benchmarks/evaluation_replay.py [--events 1000000] [--members 50000]

Prints events per second for both and their ratio (the goal: evaluation >= 0.5 x reference).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from gongjian_shared.admin import ensure_topics
from pymongo import AsyncMongoClient

TOPICS = ("registry.places.v1", "registry.units.v1", "registry.members.v1", "claims.demands.v1",
          "claims.wishes.v1", "claims.suggestions.v1")
# Recent activity (1 event a second up to now), so no member is 6 months inactive: alerts are rare.
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=13)


def iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def ev(type_: str, subject: str, data: dict, at: datetime, district: str | None, community: str | None) -> dict:
    source = "gongjian/registry" if type_.split(".")[0] in ("place", "unit", "member") else "gongjian/claims"
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source, "type": f"gongjian.{type_}",
            "subject": subject, "time": iso(at), "datacontenttype": "application/json", "data": data,
            "districtid": district, "communityid": community, "correlationid": str(uuid.uuid4())}


def generate(total: int, members: int, seed: int = 7):
    """Yield (topic, event) in a plausible order: places, units, members, then activity."""
    rnd = random.Random(seed)
    districts = [f"d{i}" for i in range(5)]
    streets = [(f"s{i}", districts[i % 5]) for i in range(20)]
    communities = [(f"c{i}", *streets[i % 20]) for i in range(200)]
    yield "registry.places.v1", ev("place.created", "city", {"place_id": "city", "kind": "city", "name": "基准市",
                                                            "parent_id": None, "path": ["city"]}, START, None, None)
    for d in districts:
        yield "registry.places.v1", ev("place.created", d, {"place_id": d, "kind": "district", "name": f"区{d}",
                                                           "parent_id": "city", "path": ["city", d]}, START, d, None)
    for s, d in streets:
        yield "registry.places.v1", ev("place.created", s, {"place_id": s, "kind": "street", "name": f"街道{s}",
                                                           "parent_id": d, "path": ["city", d, s]}, START, d, None)
    for c, s, d in communities:
        yield "registry.places.v1", ev("place.created", c, {"place_id": c, "kind": "community", "name": f"社区{c}",
                                                           "parent_id": s, "path": ["city", d, s, c]}, START, d, c)
    produced = 1 + len(districts) + len(streets) + len(communities)
    where = {c: d for c, _, d in communities}
    units = [(f"u{i}", communities[i % 200][0]) for i in range(2000)]
    for u, c in units:
        yield "registry.units.v1", ev("unit.registered", u, {"unit_id": u, "name": "驻区单位", "kind": "机关",
                                                            "community_id": c}, START, where[c], c)
    produced += len(units)
    homes = {}
    for i in range(members):
        m, c = f"m{i}", communities[rnd.randrange(200)][0]
        homes[m] = c
        yield "registry.members.v1", ev("member.registered", m, {"member_id": m, "name_masked": "张*珠",
                                                                "kind": "in_service", "home_community_id": c,
                                                                "work_unit_id": units[i % 2000][0]}, START, where[c], c)
    produced += members
    minute = 0
    while produced < total:
        minute += 1
        at = START + timedelta(seconds=minute)
        roll = rnd.random()
        m = f"m{rnd.randrange(members)}"
        c = homes[m]
        d = where[c]
        if roll < 0.20:
            kind = "home" if rnd.random() < 0.6 else "work"
            rc = c if kind == "home" else communities[rnd.randrange(200)][0]
            yield "registry.members.v1", ev("member.reported", m, {"member_id": m, "community_id": rc, "kind": kind,
                                                                  "reported_at": iso(at)}, at, where[rc], rc)
        elif roll < 0.25:
            u, uc = units[rnd.randrange(2000)]
            yield "registry.units.v1", ev("unit.reported", u, {"unit_id": u, "community_id": uc}, at, where[uc], uc)
        elif roll < 0.80:
            demand = f"dm{minute}"
            claimant, kind = (m, "member") if rnd.random() < 0.9 else (units[rnd.randrange(2000)][0], "unit")
            yield "claims.demands.v1", ev("demand.verified", demand, {
                "demand_id": demand, "community_id": c, "kind": "need", "category": rnd.choice(["志愿服务", "文体服务"]),
                "claim_id": f"k{minute}", "claimant_id": claimant, "claimant_kind": kind,
                "hours": rnd.choice([1, 1.5, 2, 3, 4]), "approved": True, "beneficiaries": rnd.randrange(1, 20)}, at, d, c)
        elif roll < 0.88:
            demand = f"dp{minute}"
            yield "claims.demands.v1", ev("demand.published", demand, {
                "demand_id": demand, "community_id": c, "kind": "need", "category": "志愿服务", "title": "服务",
                "item": "法律咨询", "capacity": 2}, at, d, c)
        elif roll < 0.93:
            demand = f"dr{minute}"
            yield "claims.demands.v1", ev("demand.rated", demand, {
                "demand_id": demand, "community_id": c, "score": rnd.randrange(3, 6),
                "claimants": [{"claim_id": f"k{minute}", "claimant_id": m, "claimant_kind": "member"}]}, at, d, c)
        elif roll < 0.97:
            s = f"sg{minute}"
            yield "claims.suggestions.v1", ev("suggestion.received", s, {"suggestion_id": s, "community_id": c},
                                              at, d, c)
        else:
            w = f"w{minute}"
            yield "claims.wishes.v1", ev("wish.posted", w, {"wish_id": w, "community_id": c}, at, d, c)
        produced += 1


async def produce(bootstrap: str, prefix: str, total: int, members: int) -> dict[str, int]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=512 * 1024,
                                enable_idempotence=True, acks="all")
    await producer.start()
    counts: dict[str, int] = {}
    started, pending = time.monotonic(), []
    try:
        for i, (topic, event) in enumerate(generate(total, members)):
            counts[event["type"]] = counts.get(event["type"], 0) + 1
            pending.append(await producer.send(prefix + topic, json.dumps(event, ensure_ascii=False).encode(),
                                               key=event["subject"].encode(),
                                               headers=[("content-type", b"application/cloudevents+json")]))
            if len(pending) >= 20000:
                await asyncio.gather(*pending)
                pending.clear()
                print(f"  produced {i + 1:,}/{total:,} ({time.monotonic() - started:.0f}s)", flush=True)
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return counts


async def reference(bootstrap: str, prefix: str, mongo_url: str, total: int) -> float:
    """getmany + insert_many of one document per event: the floor any consumer pays."""
    client = AsyncMongoClient(mongo_url)
    coll = client[f"{prefix.rstrip('.')}_reference"]["events"]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="earliest", max_partition_fetch_bytes=8 * 1024 * 1024)
    await consumer.start()
    tps = [TopicPartition(prefix + t, p) for t in TOPICS for p in consumer.partitions_for_topic(prefix + t) or []]
    if not tps:
        await consumer._client.force_metadata_update()  # noqa: SLF001
        tps = [TopicPartition(prefix + t, p) for t in TOPICS for p in consumer.partitions_for_topic(prefix + t) or []]
    consumer.assign(tps)
    await consumer.seek_to_beginning(*tps)
    done, started, last = 0, time.monotonic(), time.monotonic()
    try:
        while done < total:
            batch = await consumer.getmany(timeout_ms=1000, max_records=2000)
            docs = [{"_id": e["id"], **e} for records in batch.values() for r in records
                    for e in [json.loads(r.value)]]
            if docs:
                await coll.insert_many(docs, ordered=False)
                done += len(docs)
            if time.monotonic() - last > 10:
                print(f"  reference {done:,}/{total:,} ({done / (time.monotonic() - started):,.0f}/s)", flush=True)
                last = time.monotonic()
        return done / (time.monotonic() - started)
    finally:
        await consumer.stop()
        await client.drop_database(coll.database.name)
        await client.close()


async def evaluation(prefix: str, total: int) -> tuple[float, dict]:
    os.environ["GONGJIAN_TOPIC_PREFIX"] = prefix
    os.environ["EVALUATION_DB"] = f"{prefix.rstrip('.')}_evaluation"
    from gongjian_evaluation.bootstrap import build_app
    from gongjian_evaluation.config import EvaluationSettings

    settings = EvaluationSettings(checkpoint_every=10_000_000)  # a checkpoint is a pause, not part of the rate
    app = build_app(settings)
    ev = app.state.runtime.state["evaluation"]
    async with app.router.lifespan_context(app):
        started, last = time.monotonic(), time.monotonic()
        while len(ev.state.seen) < total:
            await asyncio.sleep(0.5)
            if time.monotonic() - last > 10:
                n = len(ev.state.seen)
                print(f"  evaluation {n:,}/{total:,} ({n / (time.monotonic() - started):,.0f}/s)", flush=True)
                last = time.monotonic()
        applied = time.monotonic() - started
        awards = len(ev.state.entry_index)
        while ev.relay.published < awards:  # every points.awarded on Kafka
            await asyncio.sleep(0.2)
        elapsed = time.monotonic() - started
        await ev.snapshots.flush()
        figures = {"applied_s": round(applied, 1), "with_relay_s": round(elapsed, 1), "awards": awards,
                   "points": round(sum(a.total for a in ev.state.accounts.values()), 1),
                   "journal_docs": ev.projector.seq, "snapshots": ev.snapshots.published}
    client = AsyncMongoClient(settings.mongodb_url)
    await client.drop_database(settings.database)
    await client.close()
    return total / elapsed, figures


async def drop_topics(bootstrap: str, prefix: str) -> None:
    """The benchmark's topics go when it ends (its databases are dropped as each part finishes)."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if names:
            await admin.delete_topics(names)
    finally:
        await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=50_000)
    args = parser.parse_args()
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    mongo = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017/?directConnection=true")
    os.environ.setdefault("GONGJIAN_LOG_LEVEL", "WARNING")
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    await ensure_topics(bootstrap, TOPICS, prefix=prefix, partitions=3)
    print(f"[1/3] producing {args.events:,} events to {prefix}* (not timed)", flush=True)
    t = time.monotonic()
    counts = await produce(bootstrap, prefix, args.events, args.members)
    print(f"  done in {time.monotonic() - t:.0f}s: " + ", ".join(f"{k.removeprefix('gongjian.')} {v:,}"
                                                             for k, v in sorted(counts.items(), key=lambda kv: -kv[1])))
    print("[2/3] reference: aiokafka getmany + insert_many of one document per event", flush=True)
    ref = await reference(bootstrap, prefix, mongo, args.events)
    print(f"  reference: {ref:,.0f} events/s", flush=True)
    print("[3/3] evaluation: batch subscribers → projector (ledger + statistics) → journal → relay", flush=True)
    rate, figures = await evaluation(prefix, args.events)
    print(f"  evaluation: {rate:,.0f} events/s {figures}", flush=True)
    await drop_topics(bootstrap, prefix)
    print(f"RESULT events={args.events:,} reference={ref:,.0f}/s evaluation={rate:,.0f}/s ratio={rate / ref:.2f} "
          f"(goal >= 0.50)")
    sys.exit(0)


if __name__ == "__main__":
    asyncio.run(main())
