"""Use cases on demands: publish, claim, release, fulfil, verify."""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.envelope import new_event, utc_now
from gongjian_shared.outbox import stage_events, with_events
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..adapters.store import DEMANDS, place_path, reported_communities
from ..domain.demands import Refusal, claim_filter, eligibility, why_claim_failed

SOURCE = "gongjian/claims"


def _refuse(refusal: Refusal) -> Problem:
    return Problem(refusal.status, refusal.detail, code=refusal.code)


def _event(demand: dict[str, Any], type_: str, data: dict[str, Any]) -> Any:
    return new_event(source=SOURCE, type=type_, subject=demand["_id"], data={"demand_id": demand["_id"], **data},
                     districtid=demand.get("district_id"), communityid=demand["community_id"])


async def get_demand(db: Any, demand_id: str) -> dict[str, Any]:
    demand = await db[DEMANDS].find_one({"_id": demand_id}, {"outbox": 0})
    if demand is None:
        raise Problem(404, f"需求不存在：{demand_id} (unknown demand)", code="unknown-demand")
    return demand


async def publish_demand(runtime: Any, *, spec: dict[str, Any], acts_for: Any) -> dict[str, Any]:
    path = await place_path(runtime.db, spec["community_id"])
    if path is None:
        raise Problem(422, f"社区不存在或尚未同步：{spec['community_id']} (unknown community)", code="unknown-community")
    if not acts_for(path):
        raise Problem(403, "只能在本社区发布需求 (outside your places)")
    demand_id = f"demand-{uuid.uuid4().hex[:12]}"
    demand = {"_id": demand_id, **spec, "path": path, "district_id": path[1] if len(path) > 1 else None,
              "status": "open", "slots_left": spec["capacity"], "claimant_ids": [], "claims": {},
              "published_at": utc_now()}
    event = _event(demand, "demand.published", {
        k: spec.get(k) for k in ("community_id", "category", "item", "title", "capacity", "claimant_kinds")
    } | {"claim_deadline": spec.get("claim_deadline"), "due_at": spec.get("due_at")})
    await runtime.db[DEMANDS].insert_one(with_events(demand, CLAIMS_DEMANDS, [event]))
    runtime.notify(DEMANDS, demand_id)
    return demand


async def claim_demand(runtime: Any, *, demand_id: str, claimant_id: str, claimant_kind: str) -> dict[str, Any]:
    db = runtime.db
    demand = await get_demand(db, demand_id)
    reported = await reported_communities(db, claimant_id) if claimant_kind == "member" else set()
    refusal = eligibility(demand, claimant_kind, reported)
    if refusal:
        raise _refuse(refusal)
    claim_id = f"claim-{uuid.uuid4().hex[:12]}"
    claim = {"claim_id": claim_id, "claimant_id": claimant_id, "claimant_kind": claimant_kind,
             "status": "claimed", "claimed_at": utc_now()}
    event = _event(demand, "demand.claimed", {"claim_id": claim_id, "claimant_id": claimant_id,
                                              "claimant_kind": claimant_kind})
    update = stage_events({"$inc": {"slots_left": -1}, "$push": {"claimant_ids": claimant_id},
                           "$set": {f"claims.{claim_id}": claim}}, CLAIMS_DEMANDS, [event])
    result = await db[DEMANDS].update_one(claim_filter(demand_id, claimant_id), update)
    if result.modified_count == 0:
        raise _refuse(why_claim_failed(await get_demand(db, demand_id), claimant_id))
    runtime.notify(DEMANDS, demand_id)
    return {"demand_id": demand_id, **claim}


async def record_fulfilment(runtime: Any, *, demand_id: str, claim_id: str, claimant_id: str,
                            hours: float, note: str) -> dict[str, Any]:
    db = runtime.db
    demand = await get_demand(db, demand_id)
    claim = demand["claims"].get(claim_id)
    if claim is None:
        raise Problem(404, f"认领记录不存在：{claim_id} (unknown claim)", code="unknown-claim")
    if claim["claimant_id"] != claimant_id:
        raise Problem(403, "只能登记本人认领的服务 (not your claim)")
    event = _event(demand, "demand.fulfilled", {"claim_id": claim_id, "claimant_id": claimant_id,
                                                "claimant_kind": claim["claimant_kind"], "hours": hours, "note": note})
    update = stage_events({"$set": {f"claims.{claim_id}.status": "fulfilled", f"claims.{claim_id}.hours": hours,
                                    f"claims.{claim_id}.note": note, f"claims.{claim_id}.fulfilled_at": utc_now()}},
                          CLAIMS_DEMANDS, [event])
    result = await db[DEMANDS].update_one({"_id": demand_id, f"claims.{claim_id}.status": "claimed"}, update)
    if result.modified_count == 0:
        raise Problem(409, "该认领当前不能登记服务 (claim is not awaiting fulfilment)", code="bad-claim-state")
    runtime.notify(DEMANDS, demand_id)
    return {**claim, "status": "fulfilled", "hours": hours, "note": note}


async def verify_fulfilment(runtime: Any, *, demand_id: str, claim_id: str, approved: bool,
                            reason: str | None, acts_for: Any) -> dict[str, Any]:
    db = runtime.db
    demand = await get_demand(db, demand_id)
    if not acts_for(demand["path"]):
        raise Problem(403, "只能核验本社区的服务 (outside your places)")
    claim = demand["claims"].get(claim_id)
    if claim is None:
        raise Problem(404, f"认领记录不存在：{claim_id} (unknown claim)", code="unknown-claim")
    new_status = "verified" if approved else "claimed"  # sent back: the claimant fulfils again
    event = _event(demand, "demand.verified", {
        "claim_id": claim_id, "claimant_id": claim["claimant_id"], "claimant_kind": claim["claimant_kind"],
        "hours": claim.get("hours", 0), "approved": approved, "category": demand["category"], "reason": reason})
    update = stage_events({"$set": {f"claims.{claim_id}.status": new_status,
                                    f"claims.{claim_id}.verified_at": utc_now(),
                                    f"claims.{claim_id}.verify_reason": reason}}, CLAIMS_DEMANDS, [event])
    result = await db[DEMANDS].update_one({"_id": demand_id, f"claims.{claim_id}.status": "fulfilled"}, update)
    if result.modified_count == 0:
        raise Problem(409, "该认领尚未登记服务或已核验 (claim is not awaiting verification)", code="bad-claim-state")
    runtime.notify(DEMANDS, demand_id)
    return {**claim, "status": new_status}


async def release_claim(runtime: Any, *, demand_id: str, claim_id: str, claimant_id: str) -> dict[str, Any]:
    """The claimant gives the place back; the slot is free for the next claimant."""
    db = runtime.db
    demand = await get_demand(db, demand_id)
    claim = demand["claims"].get(claim_id)
    if claim is None:
        raise Problem(404, f"认领记录不存在：{claim_id} (unknown claim)", code="unknown-claim")
    if claim["claimant_id"] != claimant_id:
        raise Problem(403, "只能撤回本人的认领 (not your claim)")
    event = _event(demand, "demand.claim_released", {"claim_id": claim_id, "claimant_id": claimant_id,
                                                     "claimant_kind": claim["claimant_kind"]})
    update = stage_events({"$set": {f"claims.{claim_id}.status": "released",
                                    f"claims.{claim_id}.released_at": utc_now()},
                           "$inc": {"slots_left": 1}, "$pull": {"claimant_ids": claimant_id}},
                          CLAIMS_DEMANDS, [event])
    result = await db[DEMANDS].update_one({"_id": demand_id, f"claims.{claim_id}.status": "claimed"}, update)
    if result.modified_count == 0:
        raise Problem(409, "该认领已登记服务或已撤回，不能撤回 (claim cannot be released now)", code="bad-claim-state")
    runtime.notify(DEMANDS, demand_id)
    return {**claim, "status": "released"}
