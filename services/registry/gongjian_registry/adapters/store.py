"""MongoDB collections of the registry and their indexes.

The hot paths (duplicate detection, imports, reports) go by ``_id``. Secondary indexes serve
the equality filters on top-level scalar fields (our FerretDB build answers those from SQLite
indexes too, see deploy/local/ferretdb/); they are kept few, as each slows bulk inserts.
"""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

PLACES = "places"
MEMBERS = "members"
UNITS = "units"
TEAMS = "teams"
ASSIGNMENTS = "assignments"
SPECIALTIES = "specialties"
IMPORT_JOBS = "import_jobs"
IMPORT_BATCHES = "import_batches"  # staged events of bulk imports (see service/batch_outbox.py)
COUNTERS = "counters"
RESIDENTS = "residents"        # residents who registered themselves (sign-in by phone)
REVEALS = "reveal_audit"       # append-only: every reveal of personal data to staff
OUTBOX_COLLECTIONS = (PLACES, MEMBERS, UNITS, IMPORT_BATCHES)


async def ensure_indexes(db: Any) -> None:
    await db[PLACES].create_index("parent_id")
    await db[MEMBERS].create_index("home_community_id")
    await db[MEMBERS].create_index("work_unit_id")  # a unit admin's list of its members
    for kind in REPORT_KINDS:  # a community's members (queries.community_members)
        await db[MEMBERS].create_index(report_field(kind))
    await db[UNITS].create_index("paired_community_id")
    await db[TEAMS].create_index("community_id")
    await db[ASSIGNMENTS].create_index("holder_id")
    await db[MEMBERS].create_index("phone_index")  # sign-in by phone (blind index)
    await db[RESIDENTS].create_index("community_id")
    await db[REVEALS].create_index([("path", 1), ("at", -1)])


REPORT_KINDS = ("home", "work")


def report_field(kind: str) -> str:
    """The top-level copy of ``reports.<kind>.community_id``: our FerretDB build answers
    top-level scalar equality from an index, never a dotted path (BENCHMARKS.md)."""
    return f"{kind}_report_community_id"


async def next_sequence(db: Any, name: str) -> int:
    doc = await db[COUNTERS].find_one_and_update(
        {"_id": name}, {"$inc": {"value": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    return int(doc["value"])


async def reserve_sequence(db: Any, name: str, count: int) -> int:
    """Reserve ``count`` numbers at once; returns the first."""
    doc = await db[COUNTERS].find_one_and_update(
        {"_id": name}, {"$inc": {"value": count}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    return int(doc["value"]) - count + 1
