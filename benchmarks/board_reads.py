"""Benchmark: the demand board (清单看板, GET /board) of a street against one of its communities.

    uv run python benchmarks/board_reads.py [--per-community 150] [--others 2000] [--reads 5]

Writes, in a fresh database on MONGODB_URL (dropped afterwards), a street with two communities
holding ``--per-community`` board items each (a third of them with a live claim, a few closed
or overdue), plus ``--others`` items of another street (what the street's filter must skip),
with claims' own indexes; then times the board's service call (what the endpoint runs after
its access check) for the street and for one community, newest first, 20 a page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import timedelta

from gongjian_claims.adapters.store import CLAIMS, DEMANDS, PLACES, ensure_indexes
from gongjian_claims.service import board
from gongjian_shared.envelope import utc_now
from gongjian_shared.mongo import make_client

CITY, DISTRICT = "city-b", "district-b"


def _demands(street: str, community: str, n: int, start: int) -> tuple[list[dict], list[dict]]:
    path = [CITY, DISTRICT, street, community]
    demands, claims = [], []
    for i in range(n):
        did = f"demand-{community}-{i}"
        status = "closed" if i % 10 == 9 else "open"
        demands.append({"_id": did, "kind": ("need", "wish", "position")[i % 3], "category": "帮扶",
                        "title": f"需求{i}", "status": status, "overdue": i % 17 == 0, "capacity": 2,
                        "published_at": utc_now() - timedelta(minutes=start + i), "path": path,
                        "community_id": community, "street_id": street, "district_id": DISTRICT, "city_id": CITY})
        if i % 3 == 0:
            claims.append({"_id": f"claim-{did}", "demand_id": did, "community_id": community, "path": path,
                           "status": ("claimed", "fulfilled", "verified")[i % 9 // 3], "claimant_id": "m1"})
    return demands, claims


async def _load(db, per_community: int, others: int) -> None:
    places = [{"_id": CITY, "kind": "city", "path": [CITY]},
              {"_id": DISTRICT, "kind": "district", "path": [CITY, DISTRICT]}]
    for street, communities in (("street-a", ("comm-a1", "comm-a2")), ("street-z", ("comm-z1",))):
        places.append({"_id": street, "kind": "street", "path": [CITY, DISTRICT, street]})
        places += [{"_id": c, "kind": "community", "path": [CITY, DISTRICT, street, c]} for c in communities]
    await db[PLACES].insert_many(places)
    await ensure_indexes(db)
    for street, community, n in (("street-a", "comm-a1", per_community), ("street-a", "comm-a2", per_community),
                                 ("street-z", "comm-z1", others)):
        demands, claims = _demands(street, community, n, 0)
        await db[DEMANDS].insert_many(demands)
        if claims:
            await db[CLAIMS].insert_many(claims)


async def _time(db, place_id: str, reads: int) -> tuple[float, int]:
    runs = []
    for _ in range(reads):
        t0 = time.perf_counter()
        out = await board.board(db, place_id=place_id, stage=None, kind=None, category=None,
                                sort="-published_at", limit=20, offset=0)
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), out["total"]


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-community", type=int, default=150)
    ap.add_argument("--others", type=int, default=2000)
    ap.add_argument("--reads", type=int, default=5)
    args = ap.parse_args()
    client = make_client(os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27017/?directConnection=true"))
    name = f"bench_board_{uuid.uuid4().hex[:8]}"
    db = client[name]
    try:
        await _load(db, args.per_community, args.others)
        print(f"load average {os.getloadavg()[0]:.1f}")
        for place in ("street-a", "comm-a1"):
            ms, total = await _time(db, place, args.reads)
            print(f"board {place}: {total} items, median {ms:.0f} ms over {args.reads} reads")
    finally:
        await client.drop_database(name)
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
