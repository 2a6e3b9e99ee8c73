"""Benchmark: the outbox relay's periodic sweep as an outbox collection grows.

    uv run python benchmarks/outbox_sweep.py [--sizes 10000,100000] [--ops 5]

Every instance of every service sweeps its outbox collections every ``GONGJIAN_OUTBOX_SWEEP_S``
(60 s) for events a killed instance left behind, and /metrics counts the backlog the same way.
The claims journal (one entry per change, kept as the audit trail) is the largest of them. One
collection per size of journal-like entries (~400 bytes) on the server of MONGODB_URL (default:
the local infra), 20 of them with a pending event (the ones in flight) whatever the size; for each
size the time of the two ways to find them (the scan once, the flag query as the p50 of ``--ops``):

    scan: {"outbox.0": {"$exists": true}}   (a dotted path: FerretDB reads every document)
    flag: {"outbox_pending": true}          (a top-level boolean on an index: what the sweep asks)

Goal: the flag query at the largest size within 2x of its figure at the smallest. Exits 1 if missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid

from bson import ObjectId
from pymongo import InsertOne, MongoClient

BATCH = 5_000
PENDING = 20  # entries whose event is still pending: the ones in flight, whatever the journal's size


def _mongo_url() -> str:
    url = os.environ.get("MONGODB_URL")
    if url:
        return url
    from gongjian_local.infra import ensure_up

    return ensure_up().mongodb_url


def _entry(i: int, size: int) -> dict:
    pending = i % (size // PENDING) == 0
    doc = {"_id": ObjectId(), "aggregate": f"demand-{i:08d}", "coll": "demands", "seq": 1,
           "set": [{"p": "status", "v": "closed"}], "note": "x" * 250,
           "outbox": [{"topic": "claims.demands.v1", "event": {"id": str(uuid.uuid4())}}] if pending else []}
    return {**doc, "outbox_pending": True} if pending else doc


def _p50_ms(coll, query: dict, ops: int) -> tuple[float, int]:
    took, found = [], 0
    for _ in range(ops):
        started = time.perf_counter()
        found = len(list(coll.find(query, {"_id": 1})))
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took), found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--ops", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    client = MongoClient(_mongo_url())
    db = client[f"bench_outbox_{uuid.uuid4().hex[:8]}"]
    try:
        flags = {}
        print(f"{'entries':>10} {'pending':>8} {'scan ms':>12} {'flag p50 ms':>12}", flush=True)
        for size in sizes:
            coll = db[f"journal_{size}"]
            coll.create_index("outbox_pending")  # as every service's runtime does at start-up
            for first in range(0, size, BATCH):
                coll.bulk_write([InsertOne(_entry(i, size)) for i in range(first, min(first + BATCH, size))], ordered=False)
            scan, found = _p50_ms(coll, {"outbox.0": {"$exists": True}}, 1)
            flag, flagged = _p50_ms(coll, {"outbox_pending": True}, args.ops)
            assert found == flagged, (found, flagged)
            flags[size] = flag
            print(f"{size:>10,} {found:>8} {scan:>12.1f} {flag:>12.1f}", flush=True)
        ratio = flags[sizes[-1]] / flags[sizes[0]]
        print(f"flag query at {sizes[-1]:,} / at {sizes[0]:,}: {ratio:.2f}x (goal <= 2x)")
        return 0 if ratio <= 2 else 1
    finally:
        client.drop_database(db.name)
        client.close()


if __name__ == "__main__":
    raise SystemExit(main())
