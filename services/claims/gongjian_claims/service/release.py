"""Giving claims back (撤回/收回) and handing them over (转交): no claim can block a demand.

Rules in domain/release.py. Each release is one versioned change of the claim carrying its
demand.claim_released event (who released it and why), then its places are given back.
A hand-over is that release followed by a demand.claimed of the new claimant (via
"handover"), who takes the old claim's seat over — the place never becomes free in between,
so nobody else can slip in.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.privacy import redact
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..adapters import journal, projections, seats
from ..adapters.store import CLAIMS, SEATS
from ..domain.demands import FULL
from ..domain.release import (NOT_RELEASABLE, RELEASABLE, SAME_CLAIMANT, TARGET_HOLDS, handover_refusal,
                              handover_texts, release_text)
from ..domain.rules import Refusal, eligibility
from .claiming import check_claimant, create_claim, free_places, new_claim_id, take_holder, view
from .common import changed_meanwhile, demand_event, get_claim, get_demand, refuse, require_acts_for
from .notifications import notify


def released_event(demand: dict[str, Any], claim: dict[str, Any], by: str, reason: str | None,
                   handed_to: str | None) -> Any:
    data = {"claim_id": claim["_id"], "claimant_id": claim["claimant_id"], "claimant_kind": claim["claimant_kind"],
            "released_by": by}
    if reason:
        data["reason"] = redact(reason)
    if handed_to:
        data["handed_over_to"] = handed_to
    return demand_event(demand, "demand.claim_released", data)


async def give_back(runtime: Any, demand: dict[str, Any], claim: dict[str, Any], *, by: str, reason: str | None,
                    cause: str, handed_to: str | None = None, keep_seat: bool = False) -> dict[str, Any] | None:
    """Release ``claim`` (as read) for ``by`` (domain/release.py); None if it changed meanwhile.

    The claimant (and, for an idle claim, the community) is notified, except when they released
    it themselves or it was handed over (the hand-over says so). ``cause`` makes the notices'
    ids: a job or request run twice notifies nobody twice. ``keep_seat``: the seat stays taken
    (a hand-over passes it on; a withdrawal keeps the demand full until it is withdrawn).
    """
    changes = {"status": "released", "released_at": utc_now(), "released_by": by, "release_reason": reason}
    if handed_to:
        changes["handed_over_to"] = handed_to
    done = await journal.change(runtime, CLAIMS, claim, changes,
                                [(CLAIMS_DEMANDS, [released_event(demand, claim, by, reason, handed_to)])])
    if done is None:
        return None
    if keep_seat or handed_to:  # only the load slot and the holder are given back
        await seats.release_load(runtime.db, claim.get("load_id"), claim["_id"])
        await seats.unhold(runtime.db, claim["demand_id"], claim["claimant_id"], claim["_id"])
    else:
        await free_places(runtime.db, claim, seat=True)
    if by != "claimant" and not handed_to:
        text = release_text(demand["title"], by, reason)
        recipients = {claim["claimant_id"]: claim["claimant_kind"]}
        if by == "idle":
            recipients[demand["community_id"]] = "place"
        for recipient, audience in recipients.items():
            await tell(runtime, cause, demand, recipient, audience, "claim.released", text)
    return done


async def tell(runtime: Any, cause: str, demand: dict[str, Any], recipient: str, audience: str, kind: str,
               text: str) -> None:
    """One notice about ``demand`` (service/notifications.py: stored and published once per cause)."""
    await notify(runtime, cause, recipient, kind=kind, subject_id=demand["_id"], text=text, audience=audience,
                 community_id=demand["community_id"], district_id=demand.get("district_id"))


async def _releasable(runtime: Any, demand_id: str, claim_id: str, by: str, check: Any) -> tuple[dict, dict]:
    """The demand and claim, once ``check(demand, claim)`` (who may) passed and the states allow ``by``."""
    demand = await get_demand(runtime.db, demand_id)
    claim = await get_claim(runtime.db, demand_id, claim_id)
    check(demand, claim)
    if claim["status"] not in RELEASABLE[by] or demand["status"] != "open":
        raise refuse(NOT_RELEASABLE)
    return demand, claim


def _official(acts_for: Any, what: str) -> Any:
    return lambda demand, _claim: require_acts_for(acts_for, demand["path"], what)


async def release_by_claimant(runtime: Any, *, demand_id: str, claim_id: str, claimant_id: str) -> dict[str, Any]:
    """The claimant gives the place back before recording service; the seat is free for the next claimant."""
    demand, claim = await _releasable(runtime, demand_id, claim_id, "claimant",
                                      lambda _demand, claim: check_claimant(claim, claimant_id, "撤回"))
    done = await give_back(runtime, demand, claim, by="claimant", reason=None, cause=f"release:{claim_id}")
    if done is None:
        raise changed_meanwhile()
    return view(done)


async def release_by_official(runtime: Any, *, demand_id: str, claim_id: str, reason: str,
                              acts_for: Any) -> dict[str, Any]:
    """收回: an official of the demand's place (or above) releases a claim, with a reason; the claimant is told.

    Returns the released claim's view. Errors: 403 outside the official's places, 404 unknown
    demand/claim, 409 ``bad-claim-state`` (verified, released, or the demand is not open).
    """
    demand, claim = await _releasable(runtime, demand_id, claim_id, "official", _official(acts_for, "收回"))
    done = await give_back(runtime, demand, claim, by="official", reason=reason, cause=f"release:{claim_id}")
    if done is None:
        raise changed_meanwhile()
    return view(done)


async def _check_target(runtime: Any, demand: dict[str, Any], claim: dict[str, Any], to_id: str,
                        to_kind: str) -> None:
    if to_id == claim["claimant_id"]:
        raise refuse(SAME_CLAIMANT)
    target = await projections.load_claimant(runtime.db, to_id, to_kind,
                                             with_streets=demand["rules"].get("scope") == "street")
    refusal = eligibility(demand, target)
    if refusal:
        raise refuse(handover_refusal(refusal, to_kind, demand["rules"].get("required_specialties") or []))


async def hand_over(runtime: Any, *, demand_id: str, claim_id: str, to_id: str, to_kind: str, reason: str,
                    acts_for: Any) -> dict[str, Any]:
    """转交: an official gives a claim to another member or unit, with a reason; both are notified.

    The new claimant must be eligible (kind, reporting, specialty — not the claim window: a
    hand-over is how a late demand gets done) and within their open-claims limit. Returns
    ``{"released": <old claim view>, "claim": <new claim view>}``. Errors: 403 outside the
    official's places; 404 unknown demand/claim; 409 bad-claim-state, already-claimed,
    claim-limit-reached, demand-full; 422 handover-target-not-eligible, handover-to-same-claimant.
    """
    db = runtime.db
    demand, claim = await _releasable(runtime, demand_id, claim_id, "official", _official(acts_for, "转交"))
    await _check_target(runtime, demand, claim, to_id, to_kind)
    new_id = new_claim_id()
    if not await take_holder(db, demand_id, to_id, new_id):
        raise refuse(TARGET_HOLDS)
    limit = demand["rules"].get("max_open_claims")
    load_id = await seats.reserve_load(db, to_id, new_id, limit)
    if load_id is None:
        await seats.unhold(db, demand_id, to_id, new_id)
        raise refuse(Refusal(409, "claim-limit-reached",
                             f"接收方未办结的认领已达上限 {limit} 项，不能转交 (the new claimant is at the limit)"))
    released = await give_back(runtime, demand, claim, by="official", reason=reason, cause=f"handover:{claim_id}",
                               handed_to=to_id)
    if released is None:
        await seats.unhold(db, demand_id, to_id, new_id)
        await seats.release_load(db, load_id, new_id)
        raise changed_meanwhile()
    seat = await _move_seat(db, demand, claim, new_id, to_id)
    if seat is None:  # the old seat vanished (a crash's cleanup) and no other is free
        await seats.unhold(db, demand_id, to_id, new_id)
        await seats.release_load(db, load_id, new_id)
        raise refuse(FULL)
    new = await create_claim(runtime, demand, new_id, to_id, to_kind, "handover", seat, load_id,
                             handed_over_from=claim_id)
    texts = handover_texts(demand["title"], reason)
    for recipient, audience, text in ((claim["claimant_id"], claim["claimant_kind"], texts["old"]),
                                      (to_id, to_kind, texts["new"])):
        await tell(runtime, f"handover:{claim_id}", demand, recipient, audience, "claim.handed_over", text)
    return {"released": view(released), "claim": view(new)}


async def _move_seat(db: Any, demand: dict[str, Any], claim: dict[str, Any], new_id: str, to_id: str) -> int | None:
    moved = await db[SEATS].update_one({"_id": f"{demand['_id']}#{claim['seat']}", "claim_id": claim["_id"]},
                                       {"$set": {"claim_id": new_id, "claimant_id": to_id, "at": utc_now()}})
    if moved.matched_count:
        return claim["seat"]
    seat = await seats.take_seat(db, demand["_id"], demand["capacity"], new_id, to_id)
    return None if seat in (None, seats.HELD) else seat

