"""MongoDB collections of the claims service."""

from typing import Any

DEMANDS = "demands"
PLACES = "places"  # projection of registry.places.v1
REPORTS = "member_reports"  # projection of registry.members.v1 (who reported where)
OUTBOX_COLLECTIONS = (DEMANDS,)


async def ensure_indexes(db: Any) -> None:
    await db[DEMANDS].create_index("community_id")


async def place_path(db: Any, place_id: str) -> list[str] | None:
    doc = await db[PLACES].find_one({"_id": place_id}, {"path": 1})
    return doc["path"] if doc else None


async def reported_communities(db: Any, member_id: str) -> set[str]:
    doc = await db[REPORTS].find_one({"_id": member_id}, {"communities": 1})
    return set(doc["communities"]) if doc else set()
