"""MongoDB collections of the registry and their indexes."""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

PLACES = "places"
MEMBERS = "members"
UNITS = "units"
COUNTERS = "counters"
OUTBOX_COLLECTIONS = (PLACES, MEMBERS, UNITS)


async def ensure_indexes(db: Any) -> None:
    await db[PLACES].create_index("parent_id")
    await db[MEMBERS].create_index("home_community_id")


async def next_sequence(db: Any, name: str) -> int:
    doc = await db[COUNTERS].find_one_and_update(
        {"_id": name}, {"$inc": {"value": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    return int(doc["value"])
