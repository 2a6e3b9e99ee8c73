"""The demand board of a community or a street: items by stage, filtered, sorted and paged in MongoDB.

A claim stage (claimed / fulfilled / verified) is a property of the demand's claims, so the
filter first asks the claims collection (an indexed aggregation over the place's claims) for
the demand ids in that stage; the demand query then filters, sorts, skips and limits in the
database. Counts per stage are one ``count_documents`` each.
"""

from __future__ import annotations

from typing import Any

from ..adapters.store import CLAIMS, DEMANDS
from ..domain.board import BOARD_KINDS, CLAIM_STAGE, SETTLED, SORTS, STAGES, stage_of
from .demands import views


async def _ids_with_claims_in(db: Any, place_id: str, status: str | None) -> list[str]:
    """Demands of the place holding a claim in ``status`` (any live claim when None)."""
    match: dict[str, Any] = {"path": place_id,
                             "status": status if status else {"$in": list(CLAIM_STAGE)}}
    cursor = await db[CLAIMS].aggregate([{"$match": match}, {"$group": {"_id": "$demand_id"}}])
    return [row["_id"] for row in await cursor.to_list(None)]


async def stage_filter(db: Any, place_id: str, stage: str) -> dict[str, Any]:
    """The demand query of one stage (a stage's items may also be in another: e.g. overdue and claimed)."""
    if stage == "closed":
        return {"status": "closed"}
    if stage == "overdue":
        return {"overdue": True, "status": {"$nin": list(SETTLED)}}
    if stage == "open":
        return {"status": "open", "_id": {"$nin": await _ids_with_claims_in(db, place_id, None)}}
    return {"status": "open", "_id": {"$in": await _ids_with_claims_in(db, place_id, stage)}}


async def board(db: Any, *, place_id: str, stage: str | None, kind: str | None, category: str | None,
                sort: str, limit: int, offset: int) -> dict[str, Any]:
    """``{total, counts: {stage: n}, items: [demand view + stage]}`` of a place (community or street).

    ``stage`` one of STAGES or None (all published items), ``sort`` one of SORTS; the caller
    checked both and the caller's right to the place.
    """
    base: dict[str, Any] = {"path": place_id, "kind": {"$in": [kind] if kind else list(BOARD_KINDS)},
                            "status": {"$nin": ["pending", "rejected"]}}
    if category:
        base["category"] = category
    counts = {s: await db[DEMANDS].count_documents({**base, **await stage_filter(db, place_id, s)}) for s in STAGES}
    flt = {**base, **(await stage_filter(db, place_id, stage) if stage else {})}
    field, direction = SORTS[sort]
    total = await db[DEMANDS].count_documents(flt)
    docs = await db[DEMANDS].find(flt).sort([(field, direction), ("_id", 1)]).skip(offset).limit(limit).to_list(None)
    statuses = await _claim_statuses(db, [d["_id"] for d in docs])
    items = await views(db, docs)
    return {"total": total, "counts": counts,
            "items": [{**item, "stage": stage_of(doc, statuses.get(doc["_id"], []))} for item, doc in zip(items, docs)]}


async def _claim_statuses(db: Any, demand_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async for claim in db[CLAIMS].find({"demand_id": {"$in": demand_ids}}, {"demand_id": 1, "status": 1}):
        found.setdefault(claim["demand_id"], []).append(claim["status"])
    return found
