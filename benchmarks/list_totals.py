"""Benchmark: a demand list's total from claims' counters against count_documents, as the place grows.

    uv run python benchmarks/list_totals.py [--sizes 1000,10000] [--ops 3]

Against the MongoDB-wire server of MONGODB_URL (default: the local infra), in a fresh database
(dropped afterwards). Per size, that many demand-like documents (~300 bytes, 5 kinds x 4 statuses
x 3 categories) go under one city of their own, counted by claims' bulk counting
(adapters/count_batches.py, 500 a batch, as bulk publishing does; its time is printed too).
Then, one at a time, the sizes in turn:

    count_documents({city_id})                     the total as the lists computed it before
    counters.total(city)                           the total as GET /demands now computes it
    count_documents({city_id, status, kind $in})   the same with a filter, both ways
    counters.total(city, status, kinds)

Every counters total is checked against count_documents. Goal (issue 10, point 3): the counters'
total p50 within 2x of the smallest size's at every size and under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import time
import uuid

from gongjian_claims.adapters import count_batches, counters
from gongjian_claims.adapters.store import ensure_indexes
from pymongo import ASCENDING, AsyncMongoClient

LIMIT, GOAL_MS = 2.0, 100.0
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KINDS, STATUSES, CATEGORIES = ("need", "wish", "position", "project", "duty"), \
    ("open", "closed", "withdrawn", "pending"), ("志愿服务", "文化活动", "助老助残")


def _mongo_url() -> str:
    url = os.environ.get("MONGODB_URL")
    if url:
        return url
    from gongjian_local.infra import ensure_up

    return ensure_up().mongodb_url


async def _fill(db, size: int) -> float:
    """``size`` demands under city ``bc<size>``, counted in batches of 500; seconds the counting took."""
    city, counting = f"bc{size}", 0.0
    for first in range(0, size, 500):
        docs = [{"_id": f"d{size}-{i:08d}", "city_id": city, "district_id": f"{city}-d{i % 5}",
                 "street_id": f"{city}-s{i % 50}", "community_id": f"{city}-c{i % 500}", "kind": KINDS[i % 5],
                 "status": STATUSES[i % 4], "category": CATEGORIES[i % 3], "title": f"需求{i}", "note": "x" * 200,
                 "v": 0, "published_at": BASE + dt.timedelta(seconds=i)} for i in range(first, min(first + 500, size))]
        await db["demands"].insert_many(docs)
        t = time.perf_counter()
        await count_batches.count_new(db, docs)
        counting += time.perf_counter() - t
    return counting


def _operations(db, size: int) -> dict:
    city, flt = f"bc{size}", {"status": "open", "kind": {"$in": ["need", "wish"]}}
    return {
        "count_documents": lambda: db["demands"].count_documents({"city_id": city}),
        "counters": lambda: counters.total(db, city),
        "count_documents, filtered": lambda: db["demands"].count_documents({"city_id": city, **flt}),
        "counters, filtered": lambda: counters.total(db, city, status="open", kinds=["need", "wish"]),
    }


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--ops", type=int, default=3, help="operations of each kind per size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    client = AsyncMongoClient(_mongo_url())
    db = client[f"bench_totals_{uuid.uuid4().hex[:8]}"]
    took: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    try:
        await ensure_indexes(db)
        await db["demands"].create_index([("city_id", ASCENDING)])
        for size in sizes:
            t = time.perf_counter()
            counting = await _fill(db, size)
            print(f"filled {size:,} demands in {time.perf_counter() - t:.0f}s, of which counting "
                  f"{counting:.1f}s ({counting / size * 1000:.2f} ms a demand)", flush=True)
        for _ in range(args.ops):
            for size in sizes:
                found = {}
                for name, op in _operations(db, size).items():
                    t = time.perf_counter()
                    found[name] = await op()
                    took[size].setdefault(name, []).append((time.perf_counter() - t) * 1000)
                    print(f"  {size:>9,} {name:26} {took[size][name][-1]:9.1f} ms  total {found[name]}", flush=True)
                assert found["counters"] == found["count_documents"] == size, found
                assert found["counters, filtered"] == found["count_documents, filtered"], found
        for size in sizes:
            print(f"{size:>9,} demands under the place: " + "  ".join(
                f"{name} p50 {statistics.median(v):.1f} ms" for name, v in took[size].items()))
    finally:
        await client.drop_database(db.name)
        await client.close()
    ok = all(statistics.median(took[size][name]) <= max(LIMIT * statistics.median(took[sizes[0]][name]), 1.0)
             and statistics.median(took[size][name]) < GOAL_MS
             for size in sizes for name in ("counters", "counters, filtered"))
    print(f"goal (the counters' total within {LIMIT:.0f}x of the {sizes[0]:,} figure and under {GOAL_MS:.0f} ms): "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
