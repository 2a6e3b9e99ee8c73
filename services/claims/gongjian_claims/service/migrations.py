"""Data migrations run at start-up, each once per database (a marker in ``migrations``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from gongjian_shared.envelope import utc_now

from ..adapters import count_batches
from ..adapters.projections import levels
from ..adapters.store import DEMANDS, MIGRATIONS
from ..domain.counts import PROJECTION

BATCH = 500  # ids per update: the patched FerretDB pushes an $in of up to 500 down to its index


async def backfill_demand_levels(db: Any) -> int:
    """Give demands stored before they had them their ``city_id`` / ``district_id`` / ``street_id``.

    The fields derive from the immutable ``path``, so they are set directly rather than as a
    journalled change (they carry no event and change no state anyone reacts to). Safe to run
    on several instances at once: every update writes the same values. Returns how many.
    """
    marker = "migration:demand_levels"
    if await db[MIGRATIONS].find_one({"_id": marker}):
        return 0
    done, pending = 0, defaultdict(list)

    async def flush(path: tuple[str, ...]) -> None:
        nonlocal done
        ids, pending[path] = pending[path], []
        await db[DEMANDS].update_many({"_id": {"$in": ids}}, {"$set": levels(list(path))})
        done += len(ids)

    async for doc in db[DEMANDS].find({"city_id": {"$exists": False}}, {"path": 1}):
        path = tuple(doc.get("path") or ())
        pending[path].append(doc["_id"])
        if len(pending[path]) >= BATCH:
            await flush(path)
    for path in [p for p, ids in pending.items() if ids]:
        await flush(path)
    await db[MIGRATIONS].update_one({"_id": marker}, {"$set": {"demands": done, "at": utc_now()}}, upsert=True)
    return done


async def count_demands(db: Any) -> int:
    """Count the demands stored before the list totals were kept (adapters/count_batches.py).

    Runs after ``backfill_demand_levels`` (the counters are per level id). Demands counted already
    (a marker) are skipped, so a second run or a second instance counts nothing twice; demands
    created meanwhile are counted by their own path. Returns how many this run counted.
    """
    marker = "migration:list_totals"
    if await db[MIGRATIONS].find_one({"_id": marker}):
        return 0
    done, batch = 0, []
    async for doc in db[DEMANDS].find({}, PROJECTION):
        batch.append(doc)
        if len(batch) >= BATCH:
            done += await count_batches.count_new(db, batch)
            batch = []
    done += await count_batches.count_new(db, batch)
    await db[MIGRATIONS].update_one({"_id": marker}, {"$set": {"demands": done, "at": utc_now()}}, upsert=True)
    return done
