"""Claiming (认领): atomic under any race, across any number of instances (giving back: release.py).

1. Read the demand and the claimant; refuse what a read can decide (403 not eligible,
   409 not open / outside the window / already claimed / at the limit) without writing.
2. Take a seat ``<demand>#k`` with k < capacity (unique insert): never over capacity.
   A rush fails here, with nothing to undo.
3. Hold ``<demand>|<claimant>`` (unique insert): never two live claims by one claimant.
4. Reserve a load slot (unique insert below the max-open-claims limit).
5. Create the claim with its demand.claimed event (journal entry + claim document).
Any step that fails gives back what the earlier ones took, and says why (409).
(Unique inserts rather than one conditional update: they are atomic on any MongoDB-wire
server, including stock FerretDB 1.24 — see adapters/journal.py.)
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bson import ObjectId
from gongjian_shared.envelope import utc_now
from gongjian_shared.metrics import CLAIMS as CLAIM_OUTCOMES, labelled
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..adapters import jobs, journal, projections, seats
from ..adapters.store import CLAIMS, HOLDERS, LOADS, SEATS
from ..domain.demands import ALREADY, FULL, OPEN_CLAIM_STATES, SEATED_CLAIM_STATES, limit_refusal, precheck
from ..domain.release import idle_jobs, since_of
from ..domain.rules import eligibility
from .common import demand_event, get_demand, refuse
from .claim_loaders import Loaders, loaders

HOLDER_WAIT_S = 5.0  # how long a repeat on another instance waits for the first claim to settle


def new_claim_id() -> str:
    return f"claim-{ObjectId()}"


async def schedule_idle(runtime: Any, claim: dict[str, Any]) -> None:
    """The warning and release of ``claim`` if nobody records service (settings CLAIM_IDLE_DAYS, …_WARN_DAYS)."""
    settings = runtime.settings
    await jobs.schedule(runtime.db, idle_jobs(claim["_id"], since_of(claim), idle_days=settings.claim_idle_days,
                                              warn_days=settings.claim_idle_warn_days, now=utc_now()))


def claimed_event(demand: dict[str, Any], claim: dict[str, Any]) -> Any:
    data = {"claim_id": claim["_id"], "claimant_id": claim["claimant_id"], "claimant_kind": claim["claimant_kind"],
            "via": claim["via"]}
    if claim.get("handed_over_from"):
        data["handed_over_from"] = claim["handed_over_from"]
    return demand_event(demand, "demand.claimed", data)


def claim_doc(demand: dict[str, Any], claim_id: str, claimant_id: str, claimant_kind: str, via: str, seat: int,
              load_id: str | None) -> dict[str, Any]:
    """A new claim document (status claimed, now) on ``demand``'s seat ``seat``."""
    return {"_id": claim_id, "demand_id": demand["_id"], "community_id": demand["community_id"],
            "path": demand["path"], "kind": demand["kind"], "category": demand["category"],
            "claimant_id": claimant_id, "claimant_kind": claimant_kind, "via": via, "seat": seat,
            "load_id": load_id, "status": "claimed", "claimed_at": utc_now()}


async def create_claim(runtime: Any, demand: dict[str, Any], claim_id: str, claimant_id: str, claimant_kind: str,
                       via: str, seat: int, load_id: str | None, handed_over_from: str | None = None) -> dict[str, Any]:
    """Write the claim with its demand.claimed event; its idle jobs go in first (service/idle.py)."""
    claim = claim_doc(demand, claim_id, claimant_id, claimant_kind, via, seat, load_id)
    if handed_over_from:
        claim["handed_over_from"] = handed_over_from
    await schedule_idle(runtime, claim)
    return await journal.create(runtime, CLAIMS, claim, [(CLAIMS_DEMANDS, [claimed_event(demand, claim)])])


async def _holds(db: Any, demand_id: str, claimant_id: str) -> bool:
    """A live claim of this claimant on this demand?

    A holder whose claim is still being made (the same member's request on another instance)
    is waited for, so that a repeat is refused as already-claimed only if the first one got
    the place; a crash's orphan holder is pruned.
    """
    deadline, delay = time.monotonic() + HOLDER_WAIT_S, 0.01
    while True:
        held = await seats.holder(db, demand_id, claimant_id)
        if held is None:
            return False
        if await _alive(db, held["claim_id"]):
            return True
        if await seats.prune(db, HOLDERS, {"_id": held["_id"]}, SEATED_CLAIM_STATES):
            return False
        if time.monotonic() > deadline:
            return True
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.2)


async def take_holder(db: Any, demand_id: str, claimant_id: str, claim_id: str) -> bool:
    """Become the claimant's one live claim on the demand; False if another live claim holds it."""
    return await seats.hold(db, demand_id, claimant_id, claim_id) or (
        not await _holds(db, demand_id, claimant_id) and await seats.hold(db, demand_id, claimant_id, claim_id))


async def _alive(db: Any, claim_id: str) -> bool:
    """Written (its creation is journalled) and not released."""
    claim = await db[CLAIMS].find_one({"_id": claim_id}, {"status": 1})
    if claim is not None:
        return claim["status"] in SEATED_CLAIM_STATES
    return await journal.created(db, claim_id)


async def _prune_loads(db: Any, claimant_id: str) -> int:
    return await seats.prune(db, LOADS, {"claimant_id": claimant_id}, OPEN_CLAIM_STATES)


async def claim_demand(runtime: Any, *, demand_id: str, claimant_id: str, claimant_kind: str) -> dict[str, Any]:
    """Claim a place on a demand (see the module doc); counted in ``gongjian_claims_total`` by outcome."""
    try:
        claim = await _claim(runtime, demand_id, claimant_id, claimant_kind)
    except Problem as refused:
        labelled(CLAIM_OUTCOMES, "refused", refused.code or str(refused.status)).inc()
        raise
    labelled(CLAIM_OUTCOMES, "granted", "").inc()
    return claim


async def _claim(runtime: Any, demand_id: str, claimant_id: str, claimant_kind: str) -> dict[str, Any]:
    db, load = runtime.db, loaders(runtime)
    demand = await load.demands.load(demand_id) or await get_demand(db, demand_id)
    claimant = await projections.load_claimant(db, claimant_id, claimant_kind,
                                               with_streets=demand.get("rules", {}).get("scope") == "street",
                                               doc=await load.claimants[claimant_kind].load(claimant_id))
    refusal = precheck(demand, utc_now()) or eligibility(demand, claimant)
    if refusal:
        raise refuse(refusal)
    limit = demand["rules"].get("max_open_claims")
    at_limit = limit is not None and await seats.open_load(db, claimant_id) >= limit
    if at_limit and not await _prune_loads(db, claimant_id):
        raise refuse(limit_refusal(limit))

    async with load.turns.turn((demand_id, claimant_id)):
        return await _take_place(runtime, load, demand, claimant_id, claimant_kind, limit)


async def _take_place(runtime: Any, load: Loaders, demand: dict[str, Any], claimant_id: str, claimant_kind: str,
                      limit: int | None) -> dict[str, Any]:
    """Seat, holder, load slot, claim: each step gives back what the earlier ones took if it fails."""
    db, demand_id = runtime.db, demand["_id"]
    # The seat first: under a rush it is what most claims fail on, so they leave nothing to undo.
    claim_id = new_claim_id()
    seen = await load.seats.load(demand_id)
    seat = await seats.take_seat(db, demand_id, demand["capacity"], claim_id, claimant_id, seen=seen,
                                 read=lambda: load.seats.load(demand_id))
    if seat in (None, seats.HELD) and load.may_search(demand_id) and seats.has_stale(seen) and \
            load.searched(demand_id, await seats.prune(db, SEATS, {"pool": demand_id}, SEATED_CLAIM_STATES)):
        seat = await seats.take_seat(db, demand_id, demand["capacity"], claim_id, claimant_id)  # orphans gone
    if seat is None:
        raise refuse(FULL)
    if seat == seats.HELD:
        raise refuse(ALREADY)
    if not await take_holder(db, demand_id, claimant_id, claim_id):
        await seats.free_seat(db, demand_id, seat, claim_id)
        raise refuse(ALREADY)
    load_id = await seats.reserve_load(db, claimant_id, claim_id, limit)
    if load_id is None and await _prune_loads(db, claimant_id):
        load_id = await seats.reserve_load(db, claimant_id, claim_id, limit)
    if load_id is None:
        await seats.free_seat(db, demand_id, seat, claim_id)
        await seats.unhold(db, demand_id, claimant_id, claim_id)
        raise refuse(limit_refusal(limit))
    claim = await create_claim(runtime, demand, claim_id, claimant_id, claimant_kind, "claim", seat, load_id)
    return view(claim)


def view(claim: dict[str, Any]) -> dict[str, Any]:
    keep = ("demand_id", "claimant_id", "claimant_kind", "via", "status", "claimed_at", "hours", "note",
            "beneficiaries", "fulfilled_at", "verified_at", "verify_reason", "verified_by", "released_at",
            "released_by", "release_reason", "handed_over_from", "handed_over_to", "idle_warned_at",
            "checked_in_at", "checked_out_at", "checked_hours")
    return {"claim_id": claim["_id"], **{k: claim[k] for k in keep if k in claim}}


def check_claimant(claim: dict[str, Any], claimant_id: str, what: str) -> None:
    if claim["claimant_id"] != claimant_id:
        raise Problem(403, f"只能{what}本人（本单位）的认领 (not your claim)", code="not-your-claim")


async def free_places(db: Any, claim: dict[str, Any], *, seat: bool) -> None:
    """Give back what a claim held: its load slot, and (when released) its seat and holder."""
    await seats.release_load(db, claim.get("load_id"), claim["_id"])
    if seat:
        await seats.free_seat(db, claim["demand_id"], claim["seat"], claim["_id"])
        await db[HOLDERS].delete_one({"_id": f"{claim['demand_id']}|{claim['claimant_id']}", "claim_id": claim["_id"]})
