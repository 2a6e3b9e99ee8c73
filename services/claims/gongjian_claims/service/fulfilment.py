"""After the claim: fulfilment (服务台账), verification, closing (销号办结) and rating (群众评价)."""

from __future__ import annotations

import hashlib
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.privacy import redact
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_DEMANDS
from pymongo.errors import DuplicateKeyError

from ..adapters import journal, seats
from ..adapters.store import CLAIMS, DEMANDS, RATINGS, SEATS
from ..domain.demands import OPEN_CLAIM_STATES, SEATED_CLAIM_STATES, closing_totals
from .claiming import check_claimant, free_places, schedule_idle, view
from .common import changed_meanwhile, claims_of, demand_event, get_claim, get_demand, require_acts_for


def _state_conflict(detail: str) -> Problem:
    return Problem(409, detail, code="bad-claim-state")


async def record_fulfilment(runtime: Any, *, demand_id: str, claim_id: str, claimant_id: str, hours: float,
                            note: str, beneficiaries: int = 0) -> dict[str, Any]:
    demand = await get_demand(runtime.db, demand_id)
    claim = await get_claim(runtime.db, demand_id, claim_id)
    check_claimant(claim, claimant_id, "登记")
    if claim["status"] != "claimed":
        raise _state_conflict("该认领当前不能登记服务 (claim is not awaiting fulfilment)")
    event = demand_event(demand, "demand.fulfilled", {
        "claim_id": claim_id, "claimant_id": claimant_id, "claimant_kind": claim["claimant_kind"],
        "hours": hours, "beneficiaries": beneficiaries, "note": redact(note)})
    done = await journal.change(runtime, CLAIMS, claim, {
        "status": "fulfilled", "hours": hours, "note": note, "beneficiaries": beneficiaries,
        "fulfilled_at": utc_now()}, [(CLAIMS_DEMANDS, [event])])
    if done is None:
        raise changed_meanwhile()
    return view(done)


def verified_event(demand: dict[str, Any], claim: dict[str, Any], approved: bool, reason: str | None,
                   by: str) -> Any:
    return demand_event(demand, "demand.verified", {
        "claim_id": claim["_id"], "claimant_id": claim["claimant_id"], "claimant_kind": claim["claimant_kind"],
        "hours": claim.get("hours", 0), "beneficiaries": claim.get("beneficiaries", 0), "approved": approved,
        "reason": reason, "verified_by": by})


async def verify_claim(runtime: Any, demand: dict[str, Any], claim: dict[str, Any], approved: bool,
                       reason: str | None, by: str) -> dict[str, Any]:
    """Approve, or send back (the claim is "claimed" again and the claimant records anew)."""
    if claim["status"] != "fulfilled":
        raise _state_conflict("该认领尚未登记服务或已核验 (claim is not awaiting verification)")
    changes = {"status": "verified" if approved else "claimed", "verified_at": utc_now(), "verify_reason": reason,
               "verified_by": by}
    done = await journal.change(runtime, CLAIMS, claim, changes,
                                [(CLAIMS_DEMANDS, [verified_event(demand, claim, approved, reason, by)])])
    if done is None:
        raise changed_meanwhile()
    if approved:
        await free_places(runtime.db, claim, seat=False)  # no longer open: the load slot is free
    else:
        await schedule_idle(runtime, done)  # sent back: a new wait for service begins
    return done


async def verify_fulfilment(runtime: Any, *, demand_id: str, claim_id: str, approved: bool, reason: str | None,
                            acts_for: Any) -> dict[str, Any]:
    demand = await get_demand(runtime.db, demand_id)
    require_acts_for(acts_for, demand["path"], "核验")
    claim = await get_claim(runtime.db, demand_id, claim_id)
    if not approved and not (reason or "").strip():
        raise Problem(422, "退回时必须说明原因 (a reason is required to send back)", code="reason-required")
    return view(await verify_claim(runtime, demand, claim, approved, reason, "community"))


def closed_event(demand: dict[str, Any], claims: list[dict[str, Any]], by: str) -> Any:
    totals = closing_totals(claims)
    return demand_event(demand, "demand.closed", {**totals, "outcome": "completed" if totals["verified_claims"]
                                                  else "cancelled", "closed_by": by, "wish_id": demand.get("wish_id")})


async def close(runtime: Any, demand: dict[str, Any], by: str) -> dict[str, Any]:
    """销号: seal the free places, then close if no claim is still open (else unseal)."""
    db = runtime.db
    await seats.prune(db, SEATS, {"pool": demand["_id"]}, SEATED_CLAIM_STATES)  # a dead process's seats
    await seats.seal(db, demand["_id"], demand["capacity"])
    claims = await claims_of(db, demand["_id"])
    seated = {s["claim_id"] for s in await db[SEATS].find({"pool": demand["_id"]}, {"claim_id": 1}).to_list(None)}
    in_flight = seated - {c["_id"] for c in claims} - set(seats.NO_CLAIM)  # seat taken, claim not written yet
    if in_flight or any(c["status"] in OPEN_CLAIM_STATES for c in claims):
        await seats.unseal(db, demand["_id"])
        raise Problem(409, "尚有未办结的认领，核验完成后才能销号 (claims still open)", code="claims-unfinished")
    changes = {"status": "closed", "closed_at": utc_now(), "totals": closing_totals(claims)}
    events = [(CLAIMS_DEMANDS, [closed_event(demand, claims, by)])]
    for _ in range(3):  # a concurrent change (say, the overdue mark) does not stop the closing
        done = await journal.change(runtime, DEMANDS, demand, changes, events)
        if done is not None:
            return done
        demand = await get_demand(db, demand["_id"])
        if demand["status"] == "closed":
            return demand
    raise changed_meanwhile()


async def close_demand(runtime: Any, *, demand_id: str, acts_for: Any) -> dict[str, Any]:
    """销号办结 by officials of the place. Returns the closed demand document.

    Errors: 403 outside the official's places; 404 unknown demand; 409 demand-not-open,
    claims-unfinished (a claim still open), nothing-verified (no 核验通过 service: closing it
    would count a need nobody served as 已办结; a need no longer wanted is withdrawn, 撤回).
    """
    demand = await get_demand(runtime.db, demand_id)
    require_acts_for(acts_for, demand["path"], "销号")
    if demand["status"] != "open":
        raise Problem(409, "该需求已办结或尚未发布，不能销号 (demand is not open)", code="demand-not-open")
    statuses = {c["status"] for c in await claims_of(runtime.db, demand_id)}
    if "verified" not in statuses and not statuses & set(OPEN_CLAIM_STATES):
        raise Problem(409, "该需求没有核验通过的服务，不能销号办结；不再需要的需求请撤回 "
                      "(nothing verified to close: withdraw a need no longer wanted)", code="nothing-verified")
    return await close(runtime, demand, "community")


async def rate_demand(runtime: Any, *, demand_id: str, rater_id: str, score: int, comment: str,
                      acts_for: Any) -> dict[str, Any]:
    """群众评价: a resident of the place (or the wish's poster) rates once, 1–5 and a comment."""
    db = runtime.db
    demand = await get_demand(db, demand_id)
    poster = demand.get("poster_id")
    if not (rater_id == poster or (poster is None and acts_for(demand["path"]))):
        raise Problem(403, "只能评价本社区（本人）的服务 (only residents of the place may rate)", code="not-eligible")
    done = [c for c in await claims_of(db, demand_id) if c["status"] == "verified"]
    if demand["status"] != "closed" and not done:
        raise Problem(409, "服务尚未完成核验，暂不能评价 (nothing verified to rate yet)", code="not-ratable-yet")
    rating_id = f"{demand_id}|{hashlib.sha256(rater_id.encode()).hexdigest()[:16]}"
    rating = {"_id": rating_id, "demand_id": demand_id, "score": score, "comment": comment, "rated_at": utc_now()}
    event = demand_event(demand, "demand.rated", {
        "score": score, "comment": redact(comment),
        "claimants": [{"claim_id": c["_id"], "claimant_id": c["claimant_id"], "claimant_kind": c["claimant_kind"]}
                      for c in done]})
    try:  # one rating per resident: the rating's id is unique
        await journal.create(runtime, RATINGS, rating, [(CLAIMS_DEMANDS, [event])])
    except DuplicateKeyError:
        raise Problem(409, "您已评价过该服务 (already rated)", code="already-rated") from None
    return {"demand_id": demand_id, "score": score, "comment": comment, "rated_at": rating["rated_at"]}
