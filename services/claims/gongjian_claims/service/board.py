"""The demand board of a community or a street: items by stage, filtered, sorted and paged in MongoDB.

Every query filters on top-level scalar fields the local FerretDB answers from an index
(BENCHMARKS.md, the city's reads): demands on their place's level field (``street_id`` /
``community_id``), claims on ``community_id`` (one id, or the ``$in`` of a street's
communities). Matching inside the ``path`` array instead read every demand and claim of the
city per query (18 s for a street's board on the demo city). A claim stage (claimed /
fulfilled / verified) is a property of the demand's claims, so the place's live claims are
read once and give the demand ids of each stage; counts per stage are one
``count_documents`` each on the indexed filter.
"""

from __future__ import annotations

from typing import Any

from ..adapters import projections
from ..adapters.store import CLAIMS, DEMANDS
from ..domain.board import BOARD_KINDS, CLAIM_STAGE, SETTLED, SORTS, STAGES, stage_of
from .demands import claims_scope, views

async def _ids_by_claim_stage(db: Any, claims_scope: dict[str, Any]) -> dict[str, list[str]]:
    """Demand ids of the place holding a live claim, by claim stage, and under ``"any"``."""
    found: dict[str, set[str]] = {"any": set(), **{s: set() for s in CLAIM_STAGE.values()}}
    async for claim in db[CLAIMS].find({**claims_scope, "status": {"$in": list(CLAIM_STAGE)}},
                                       {"demand_id": 1, "status": 1}):
        found["any"].add(claim["demand_id"])
        found[CLAIM_STAGE[claim["status"]]].add(claim["demand_id"])
    return {k: sorted(v) for k, v in found.items()}


def stage_filter(stage: str, claimed: dict[str, list[str]]) -> dict[str, Any]:
    """The demand query of one stage (a stage's items may also be in another: e.g. overdue and claimed)."""
    if stage == "closed":
        return {"status": "closed"}
    if stage == "overdue":
        return {"overdue": True, "status": {"$nin": list(SETTLED)}}
    if stage == "open":
        return {"status": "open", "_id": {"$nin": claimed["any"]}}
    return {"status": "open", "_id": {"$in": claimed[stage]}}


async def board(db: Any, *, place_id: str, stage: str | None, kind: str | None, category: str | None,
                sort: str, limit: int, offset: int) -> dict[str, Any]:
    """``{total, counts: {stage: n}, items: [demand view + stage]}`` of a place (community or street).

    ``stage`` one of STAGES or None (all published items), ``sort`` one of SORTS; the caller
    checked both and the caller's right to the place.
    """
    scope = await projections.scope(db, place_id)
    claimed = await _ids_by_claim_stage(db, await claims_scope(db, place_id, scope))
    base: dict[str, Any] = {**scope, "kind": {"$in": [kind] if kind else list(BOARD_KINDS)},
                            "status": {"$nin": ["pending", "rejected"]}}
    if category:
        base["category"] = category
    counts = {s: await db[DEMANDS].count_documents({**base, **stage_filter(s, claimed)}) for s in STAGES}
    flt = {**base, **(stage_filter(stage, claimed) if stage else {})}
    field, direction = SORTS[sort]
    total = counts[stage] if stage else await db[DEMANDS].count_documents(flt)
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
