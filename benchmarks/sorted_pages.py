"""Benchmark: a page of the newest documents of a place, and its count, as the place grows.

    uv run python benchmarks/sorted_pages.py [--sizes 1000,10000,100000] [--ops 5]

Against the MongoDB-wire server of MONGODB_URL (default: the local infra). One collection per
size holds that many demand-like documents (~300 bytes) under one place, with claims' index
(place field, published_at desc). Measured, one at a time, taking the sizes in turn:

    find({city_id}).sort(published_at, -1).limit(50)        the first page of a list
    find({city_id}).sort(published_at, -1).skip(500).limit(50)
    count_documents({city_id})                             the list's total

Goal (issue 10, point 3): a page costs the same at every size (p50 within 2x of the smallest
size's). The count is printed beside it: it reads every document of the place.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
import uuid

from pymongo import ASCENDING, DESCENDING, MongoClient

LIMIT = 2.0
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _mongo_url() -> str:
    url = os.environ.get("MONGODB_URL")
    if url:
        return url
    from gongjian_local.infra import ensure_up

    return ensure_up().mongodb_url


def _fill(coll, size: int) -> None:
    coll.create_index([("city_id", ASCENDING), ("published_at", DESCENDING)])
    for first in range(0, size, 5_000):
        coll.insert_many([{"_id": f"d{i:08d}", "city_id": "bc", "community_id": f"c{i % 500:03d}",
                           "title": f"需求{i}", "status": "open", "note": "x" * 200,
                           "published_at": BASE + dt.timedelta(seconds=i * 7919 % size)}
                          for i in range(first, min(first + 5_000, size))])


def _operations(coll) -> dict:
    def page(skip: int):
        return lambda: len(list(coll.find({"city_id": "bc"}).sort("published_at", -1).skip(skip).limit(50))) == 50

    return {"first page (50)": page(0), "page at 500": page(500),
            "count": lambda: coll.count_documents({"city_id": "bc"}) > 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--ops", type=int, default=5, help="operations of each kind per size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    client = MongoClient(_mongo_url())
    db = client[f"bench_pages_{uuid.uuid4().hex[:8]}"]
    took: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    try:
        for size in sizes:
            t = time.perf_counter()
            _fill(db[f"demands_{size}"], size)
            print(f"filled {size:,} documents in {time.perf_counter() - t:.0f}s", flush=True)
        ops = {size: _operations(db[f"demands_{size}"]) for size in sizes}
        for _ in range(args.ops):
            for size in sizes:
                for name, op in ops[size].items():
                    t = time.perf_counter()
                    assert op(), f"{name} at {size}: wrong answer"
                    took[size].setdefault(name, []).append((time.perf_counter() - t) * 1000)
                    print(f"  {size:>9,} {name:16} {took[size][name][-1]:9.1f} ms", flush=True)
        for size in sizes:
            print(f"{size:>9,} documents under the place: " + "  ".join(
                f"{name} p50 {statistics.median(v):8.1f} ms max {max(v):8.1f}" for name, v in took[size].items()))
    finally:
        client.drop_database(db.name)
        client.close()
    ok = all(statistics.median(took[size][name]) <= LIMIT * statistics.median(took[sizes[0]][name])
             for size in sizes for name in ("first page (50)", "page at 500"))
    print(f"goal (a page within {LIMIT:.0f}x of the {sizes[0]:,} figure at every size): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
