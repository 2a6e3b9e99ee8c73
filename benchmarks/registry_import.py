"""Benchmark: import 100,000 members from one .xlsx into the registry, all events published.

    uv run python benchmarks/registry_import.py [--rows 100000] [--keep]

Runs the registry in-process (real Kafka + FerretDB from the environment or the local
provisioning) in a fresh namespace, creates the demo city's places and units, writes a
100k-row .xlsx with the importer's Chinese headers, uploads it to POST /imports/members,
polls GET /imports/{id} for progress, then counts member.registered events on the topic.
Goal (issue 3): under 60 s from upload to all events published.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid

from aiokafka import AIOKafkaConsumer, TopicPartition


def _environment() -> None:
    if not (os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("MONGODB_URL")):
        from gongjian_local.infra import ensure_up

        found = ensure_up()
        os.environ.update(KAFKA_BOOTSTRAP_SERVERS=found.kafka_bootstrap, MONGODB_URL=found.mongodb_url)
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    os.environ.update(GONGJIAN_TOPIC_PREFIX=prefix, REGISTRY_DB=prefix.rstrip(".") + "_registry",
                      GONGJIAN_LOG_LEVEL="WARNING")


async def count_on_topic(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in (consumer.partitions_for_topic(topic) or await _parts(consumer, topic))]
        ends = await consumer.end_offsets(parts)
        starts = await consumer.beginning_offsets(parts)
        return sum(ends[p] - starts[p] for p in parts)
    finally:
        await consumer.stop()


async def _parts(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - metadata of a topic we do not subscribe to
    return consumer._client.cluster.partitions_for_topic(topic) or {0}  # noqa: SLF001


async def main(rows: int, keep: bool) -> int:
    _environment()
    from gongjian_registry import demo_city
    from gongjian_registry.adapters.sheets import write_xlsx
    from gongjian_registry.bootstrap import build_app
    from gongjian_registry.domain.importing import MEMBER_HEADERS, UNIT_HEADERS
    from gongjian_shared.testing import app_client, auth

    t0 = time.perf_counter()
    data = write_xlsx(MEMBER_HEADERS, demo_city.member_rows(rows, seed=42, with_places=False), sheet="党员")
    print(f"generated {rows:,}-row .xlsx ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)
    app = build_app()
    admin = auth("city_admin", sub="bench")
    async with app_client(app) as client:
        client.timeout = 600
        for spec in demo_city.place_specs():
            if spec["kind"] in ("city", "district", "street", "community"):
                r = await client.post("/places", json=spec, headers=admin)
                assert r.status_code == 201, r.text
        units = write_xlsx(UNIT_HEADERS, demo_city.unit_rows())
        r = await client.post("/imports/units?wait=true", files={"file": ("units.xlsx", units)}, headers=admin)
        assert r.json()["status"] == "done", r.text
        start = time.perf_counter()
        r = await client.post("/imports/members", files={"file": ("members.xlsx", data)}, headers=admin)
        assert r.status_code == 202, r.text
        job = r.json()
        print(f"uploaded and read in {time.perf_counter() - start:.1f} s; job {job['id']}", flush=True)
        phase_at: dict[str, float] = {}
        while job["status"] in ("validating", "writing"):
            await asyncio.sleep(1.0)
            job = (await client.get(f"/imports/{job['id']}", headers=admin)).json()
            phase_at.setdefault(job["status"], time.perf_counter() - start)
            bar = "#" * int(job["progress"] * 30)
            print(f"\r  {job['phase_label']:<6} [{bar:<30}] {job['progress'] * 100:5.1f}%  "
                  f"validated {job['validated']:,}  written {job['written']:,}", end="", flush=True)
        total = time.perf_counter() - start
        print()
        if job["status"] != "done":
            print(f"import ended {job['status']}: {job.get('errors', [])[:5]} {job.get('failure', '')}")
            return 1
        settings = app.state.settings
        published = await count_on_topic(settings.kafka_bootstrap_servers, settings.topic("registry.members.v1"))
        print(f"rows: {rows:,}  created: {job['created']:,}  total: {total:.1f} s  ({rows / total:,.0f} rows/s)")
        if "writing" in phase_at:
            print(f"  validation (parse, checksum, references, duplicates): ~{phase_at['writing']:.1f} s; "
                  f"writing + publishing: ~{total - phase_at['writing']:.1f} s")
        print(f"member events on {settings.topic('registry.members.v1')}: {published:,} "
              f"({'all published' if published == job['created'] else 'MISSING EVENTS'})")
        print(f"goal < 60 s: {'met' if total < 60 else 'NOT met'}")
        if not keep:
            await app.state.runtime.mongo.drop_database(settings.database)
    return 0 if published == rows else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.rows, args.keep)))
