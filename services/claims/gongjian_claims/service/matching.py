"""Matching: open demands for a member (精准对接); communities short of units (就近分流)."""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import utc_now

from ..adapters import projections, seats
from ..adapters.store import DEMANDS, HOLDERS, UNITS
from ..domain.demands import precheck
from ..domain.matching import demand_score, rank_communities, rank_demands
from ..domain.rules import eligibility
from .demands import view


async def demands_for(db: Any, claimant_id: str, kind: str = "member", limit: int = 20) -> dict[str, Any]:
    """Open demands this claimant may claim now, best first, each with its score."""
    claimant = await projections.load_claimant(db, claimant_id, kind)
    if not claimant.known:
        return {"claimant_id": claimant_id, "items": [], "note": "尚未报到，暂无可认领的需求 (not reported yet)"}
    places = sorted(claimant.communities | claimant.streets)
    now = utc_now()
    candidates = [d for d in await db[DEMANDS].find({"status": "open", "path": {"$in": places}}).to_list(None)
                  if not (precheck(d, now) or eligibility(d, claimant))]
    ids = [d["_id"] for d in candidates]
    taken = await seats.taken_by_pool(db, ids)
    held = {h["pool"] for h in await db[HOLDERS].find({"holder": claimant_id, "pool": {"$in": ids}}).to_list(None)}
    scored = [(demand_score(d, claimant, d.get("item_specialty"), now, taken.get(d["_id"], 0)), d)
              for d in candidates if d["_id"] not in held and taken.get(d["_id"], 0) < d["capacity"]]
    ranked = rank_demands(scored)[:limit]
    return {"claimant_id": claimant_id, "specialties": sorted(claimant.specialties),
            "items": [{"score": score, **view(d, taken=taken.get(d["_id"], 0))} for score, d in ranked]}


async def communities_needing_units(db: Any, street_id: str) -> dict[str, Any]:
    communities = await projections.communities_under(db, street_id)
    ids = [c["_id"] for c in communities]
    cursor = await db[UNITS].aggregate([
        {"$match": {"paired_community_id": {"$in": ids}, "active": {"$ne": False}}},
        {"$group": {"_id": "$paired_community_id", "n": {"$sum": 1}}}])
    counts = {row["_id"]: row["n"] for row in await cursor.to_list(None)}
    ranked = rank_communities(communities, counts)
    return {"street_id": street_id, "units_total": sum(counts.values()), "communities": ranked,
            "suggested_community_id": ranked[0]["community_id"] if ranked else None}
