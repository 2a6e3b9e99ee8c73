"""Data migrations run at start-up, each once per database (a marker in ``counters``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from gongjian_shared.envelope import utc_now

from ..adapters.store import COUNTERS, MEMBERS, REPORT_KINDS, report_field

BATCH = 500  # ids per update: the patched FerretDB pushes an $in of up to 500 down to its index


async def backfill_report_fields(db: Any) -> int:
    """Give members who reported before the top-level report fields existed their copies.

    ``<kind>_report_community_id`` mirrors ``reports.<kind>.community_id`` (adapters/store.py).
    Safe on several instances at once (every update writes the same values). Returns how many
    fields were set.
    """
    marker = "migration:report_fields"
    if await db[COUNTERS].find_one({"_id": marker}):
        return 0
    done, pending = 0, defaultdict(list)

    async def flush(key: tuple[str, str]) -> None:
        nonlocal done
        ids, pending[key] = pending[key], []
        await db[MEMBERS].update_many({"_id": {"$in": ids}}, {"$set": {report_field(key[0]): key[1]}})
        done += len(ids)

    async for doc in db[MEMBERS].find({}, {"reports": 1}):
        for kind in REPORT_KINDS:
            community = ((doc.get("reports") or {}).get(kind) or {}).get("community_id")
            if community:
                pending[(kind, community)].append(doc["_id"])
                if len(pending[(kind, community)]) >= BATCH:
                    await flush((kind, community))
    for key in [k for k, ids in pending.items() if ids]:
        await flush(key)
    await db[COUNTERS].update_one({"_id": marker}, {"$set": {"fields": done, "at": utc_now()}}, upsert=True)
    return done
