"""Benchmark: find and update by _id and by an indexed field as a collection grows.

    uv run python benchmarks/db_indexes.py [--sizes 10000,100000,1000000] [--ops 1000]

Against the MongoDB-wire server of MONGODB_URL (default: the local infra, started if
needed). A fresh database gets one collection per size, filled by bulk inserts of
member-like documents (~300 bytes). Then one client runs ``--ops`` sequential operations
of each kind on random existing documents, taking the sizes in turn (10k, 100k, 1M, 10k,
...) so that whatever else loads the machine weighs on every size alike:

    find_one({_id}), find_one({code}), update_one({_id}, $inc), update_one({code}, $set)

``code`` has a unique index (created before the first insert, as services create theirs
at start-up). Goal (issue 10, point 2): every figure at 100,000 and 1,000,000 documents
within 2x of its figure at 10,000 (compared on the median and the mean). It also prints
the query plan the server reports for both lookups (FerretDB: SQLite's EXPLAIN QUERY PLAN).
Exits 1 if a figure misses the goal. ``--db NAME --keep`` reuses a filled database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid

from pymongo import ASCENDING, InsertOne, MongoClient

BATCH = 5_000
LIMIT = 2.0


def _mongo_url() -> str:
    url = os.environ.get("MONGODB_URL")
    if url:
        return url
    from gongjian_local.infra import ensure_up

    return ensure_up().mongodb_url


def _doc(i: int) -> dict:
    return {"_id": f"m{i:08d}", "code": f"K{i * 7919 % 10_000_019:09d}", "name": f"成员{i}",
            "community_id": f"c{i % 500:03d}", "status": "active", "points": 0,
            "specialties": ["医疗", "法律"][: i % 3], "note": "x" * 180}


def _grow(coll, have: int, want: int) -> float:
    """Insert documents have..want-1; returns documents per second."""
    started = time.perf_counter()
    for first in range(have, want, BATCH):
        coll.bulk_write([InsertOne(_doc(i)) for i in range(first, min(first + BATCH, want))], ordered=False)
    return (want - have) / (time.perf_counter() - started)


def _timed(op, keys: list[int]) -> list[float]:
    took = []
    for i in keys:
        t = time.perf_counter()
        op(i)
        took.append((time.perf_counter() - t) * 1000)
    return took


def _operations(coll) -> dict:
    def by_code(i: int) -> str:
        return _doc(i)["code"]

    def must(result, what: str):
        if not result:
            raise SystemExit(f"{what} found nothing: the benchmark's data is wrong")
        return result

    return {
        "find by _id": lambda i: must(coll.find_one({"_id": f"m{i:08d}"}), "find by _id"),
        "find by code": lambda i: must(coll.find_one({"code": by_code(i)}), "find by code"),
        "update by _id": lambda i: must(coll.update_one({"_id": f"m{i:08d}"}, {"$inc": {"points": 1}}).matched_count,
                                        "update by _id"),
        "update by code": lambda i: must(coll.update_one({"code": by_code(i)}, {"$set": {"status": "seen"}}).matched_count,
                                         "update by code"),
    }


def _plans(db, coll_name: str) -> None:
    for flt in ({"_id": "m00000001"}, {"code": _doc(1)["code"]}):
        try:
            explained = db.command("explain", {"find": coll_name, "filter": flt})
        except Exception as exc:  # noqa: BLE001 - explain output differs by server; informative only
            print(f"  plan of {flt}: explain failed ({exc})")
            continue
        planner = explained.get("queryPlanner", {})
        plan = planner.get("Plan") or planner.get("winningPlan")
        print(f"  plan of {list(flt)[0]}: {plan}")


def _filled(db, sizes: list[int]) -> dict:
    """One collection per size, filled (kept ones are reused)."""
    colls = {}
    for size in sizes:
        coll = db[f"members_{size}"]
        have = coll.estimated_document_count()
        if have != size:
            db.drop_collection(coll.name)
            coll.create_index([("code", ASCENDING)], unique=True)
            rate = _grow(coll, 0, size)
            print(f"  filled {size:,} documents at {rate:,.0f} documents/s (bulk insert)")
        colls[size] = coll
    return colls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--ops", type=int, default=1000, help="operations of each kind per size")
    parser.add_argument("--db", help="database to use (default: a fresh one, dropped afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    url = _mongo_url()
    client = MongoClient(url)
    db = client[args.db or f"bench_idx_{uuid.uuid4().hex[:8]}"]
    info = client.server_info()
    print(f"server {info.get('ferretdbVersion') or info['version']} at {url}")
    rng = random.Random(10)
    took: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    try:
        colls = _filled(db, sizes)
        for size, coll in colls.items():
            print(f"query plans at {size:,} documents:")
            _plans(db, coll.name)
        for name in _operations(colls[sizes[0]]):
            ops = {size: _operations(coll)[name] for size, coll in colls.items()}
            for size in sizes:
                took[size][name] = []
            for _ in range(args.ops):
                for size in sizes:
                    took[size][name] += _timed(ops[size], [rng.randrange(size)])
        for size in sizes:
            print(f"\n{size:,} documents")
            for name, values in took[size].items():
                q = statistics.quantiles(values, n=100)
                print(f"  {name:15} p50 {q[49]:7.2f} ms  mean {statistics.fmean(values):7.2f} ms  p99 {q[98]:7.2f} ms")
    finally:
        if not args.keep:
            client.drop_database(db.name)
        client.close()
    return _verdict(took, sizes[0])


def _verdict(results: dict[int, dict[str, list[float]]], base: int) -> int:
    print(f"\nratio to the {base:,}-document figure (goal: at most {LIMIT:.0f}x)")
    ok = True
    for size, by_op in results.items():
        if size == base:
            continue
        for name, took in by_op.items():
            ref = results[base][name]
            r50 = statistics.median(took) / statistics.median(ref)
            rmean = statistics.fmean(took) / statistics.fmean(ref)
            good = r50 <= LIMIT and rmean <= LIMIT
            ok &= good
            print(f"  {size:>9,} {name:15} median x{r50:4.2f}  mean x{rmean:4.2f}  {'ok' if good else 'MISSED'}")
    print("goal met" if ok else "goal MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
