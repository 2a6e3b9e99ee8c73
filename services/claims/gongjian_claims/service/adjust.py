"""Changing an open demand (issue 14 point 1): withdrawing it (撤回) and changing its capacity (名额).

Withdrawal: the free places are sealed first (no claim slips in), every open claim is released
with the reason (its claimant notified, no points: nothing was verified), then the demand
becomes ``withdrawn`` with a demand.closed event whose outcome is ``withdrawn``.
Capacity: never below the places taken (claimed, fulfilled or verified); lowering it closes
the seats above the new capacity first (adapters/capacity.py), then records the change with
a demand.capacity_changed event.
"""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.privacy import redact
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..adapters import capacity, journal, seats
from ..adapters.store import CLAIMS, DEMANDS, SEATS
from ..domain.demands import closing_totals
from ..domain.release import (NOT_RESIZABLE, NOT_WITHDRAWABLE, RELEASABLE, WISH_NOT_WITHDRAWABLE, capacity_refusal)
from ..domain.rules import Refusal
from .common import changed_meanwhile, claims_of, demand_event, get_demand, refuse, require_acts_for
from .release import give_back

IN_FLIGHT = Refusal(409, "claims-in-flight", "有认领正在办理中，请稍后重试 (a claim is being made, retry)")


async def _open_demand(runtime: Any, demand_id: str, acts_for: Any, what: str, not_open: Refusal) -> dict[str, Any]:
    demand = await get_demand(runtime.db, demand_id)
    require_acts_for(acts_for, demand["path"], what)
    if demand["status"] != "open":
        raise refuse(not_open)
    return demand


async def _record(runtime: Any, demand: dict[str, Any], changes: dict[str, Any], event_of: Any) -> dict[str, Any]:
    """The demand's versioned change, re-read and retried when something else changed it meanwhile."""
    for _ in range(3):
        done = await journal.change(runtime, DEMANDS, demand, changes, [(CLAIMS_DEMANDS, [event_of(demand)])])
        if done is not None:
            return done
        demand = await get_demand(runtime.db, demand["_id"])
    raise changed_meanwhile()


async def withdraw(runtime: Any, *, demand_id: str, reason: str, acts_for: Any) -> dict[str, Any]:
    """撤回需求: officials of the place (or above), with a reason. Returns the withdrawn demand document.

    Errors: 403 outside the official's places; 404 unknown demand; 409 demand-not-open,
    wish-not-withdrawable (a wish has its own flow), claims-in-flight (retry).
    """
    db = runtime.db
    demand = await _open_demand(runtime, demand_id, acts_for, "撤回", NOT_WITHDRAWABLE)
    if demand["kind"] == "wish":
        raise refuse(WISH_NOT_WITHDRAWABLE)
    await seats.seal(db, demand_id, demand["capacity"])
    claims = await claims_of(db, demand_id)
    seated = {s["claim_id"] for s in await db[SEATS].find({"pool": demand_id}, {"claim_id": 1}).to_list(None)}
    if seated - {c["_id"] for c in claims} - set(seats.NO_CLAIM):
        await seats.unseal(db, demand_id)
        raise refuse(IN_FLIGHT)
    for claim in claims:
        for _ in range(3):
            if claim["status"] not in RELEASABLE["withdrawal"]:
                break
            if await give_back(runtime, demand, claim, by="withdrawal", reason=reason, cause=f"withdraw:{demand_id}",
                               keep_seat=True) is not None:
                break
            claim = await journal.load(db, CLAIMS, claim["_id"])
    totals = closing_totals(await claims_of(db, demand_id))
    changes = {"status": "withdrawn", "withdrawn_at": utc_now(), "withdraw_reason": reason, "totals": totals}
    return await _record(runtime, demand, changes, lambda d: demand_event(d, "demand.closed", {
        **totals, "outcome": "withdrawn", "closed_by": "community", "reason": redact(reason),
        "wish_id": d.get("wish_id")}))


async def change_capacity(runtime: Any, *, demand_id: str, new_capacity: int, reason: str | None,
                          acts_for: Any) -> dict[str, Any]:
    """调整名额: officials of the place (or above). Returns the changed demand document.

    Errors: 403 outside the official's places; 404 unknown demand; 409 demand-not-open,
    capacity-below-taken (the detail says how many places are taken).
    """
    db = runtime.db
    demand = await _open_demand(runtime, demand_id, acts_for, "调整名额", NOT_RESIZABLE)
    old = demand["capacity"]
    if new_capacity == old:
        return demand
    if new_capacity > old:
        await capacity.grow(db, demand_id, new_capacity)
    else:
        lowered = await capacity.shrink(db, demand_id, old, new_capacity, f"shrink-{uuid.uuid4().hex[:8]}")
        if lowered is None:
            taken = await seats.seats_taken(db, demand_id)
            raise refuse(capacity_refusal(new_capacity, max(taken, new_capacity + 1)))
        for claim_id, seat in lowered[1]:
            await _reseat(runtime, claim_id, seat)
    return await _record(runtime, demand, {"capacity": new_capacity}, lambda d: demand_event(
        d, "demand.capacity_changed", {"capacity": new_capacity, "previous_capacity": d["capacity"],
                                       "reason": redact(reason) if reason else None}))


async def _reseat(runtime: Any, claim_id: str, seat: int) -> None:
    """The claim's record of its seat follows the move (its release frees the right one)."""
    for _ in range(3):
        claim = await journal.load(runtime.db, CLAIMS, claim_id)
        if claim is None or await journal.change(runtime, CLAIMS, claim, {"seat": seat}) is not None:
            return
