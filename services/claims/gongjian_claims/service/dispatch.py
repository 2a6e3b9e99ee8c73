"""Dispatch (选派): a community asks for N members with a specialty for a duty on a date.

The roster comes from the members reported to the community (or, if asked, to any
community of its street) who have the specialty and are active, in fair rotation
(domain/dispatch.py). The duty becomes a demand of kind "duty" holding one claim per
rostered member, so they record fulfilment and are verified like any other claim; a
member who cannot go releases the claim and the community dispatches again to fill it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import day_end, later

from ..adapters import projections, seats
from ..adapters.store import CLAIMS, DEMANDS, DISPATCH_STATS, MEMBERS, SEATS
from ..domain.dispatch import roster
from . import demands
from .claiming import create_claim, new_claim_id


async def candidates(db: Any, community: dict[str, Any], specialty: str | None, scope: str) -> list[str]:
    if scope == "street":
        street = projections.street_of(community["path"])
        ids = [c["_id"] for c in await projections.communities_under(db, street)] if street else []
    else:
        ids = [community["_id"]]
    query: dict[str, Any] = {"communities": {"$in": ids or [community["_id"]]}, "active": {"$ne": False}}
    if specialty:
        query["specialties"] = specialty
    return [d["_id"] for d in await db[MEMBERS].find(query, {"_id": 1}).to_list(None)]


async def busy_on(db: Any, duty_date: date) -> set[str]:
    """Members already on a duty that day (one duty a day each)."""
    duties = [d["_id"] for d in await db[DEMANDS].find({"kind": "duty", "duty_date": duty_date.isoformat()},
                                                       {"_id": 1}).to_list(None)]
    claims = await db[CLAIMS].find({"demand_id": {"$in": duties}, "status": {"$ne": "released"}},
                                   {"claimant_id": 1}).to_list(None)
    return {c["claimant_id"] for c in claims}


async def dispatch(runtime: Any, *, community_id: str, spec: dict[str, Any], acts_for: Any) -> dict[str, Any]:
    db = runtime.db
    duty_date: date = spec["duty_date"]
    due = day_end(duty_date)  # the end of the duty's local day (16:00Z for China), not UTC midnight
    specialty = spec.get("specialty")
    built = await demands.build(db, {**spec, "community_id": community_id, "kind": "duty", "capacity": spec["count"],
                                     "duty_date": duty_date.isoformat(), "scope": spec.get("scope"),
                                     "required_specialties": [specialty] if specialty else None,
                                     "due_at": max(due, later(utc_now(), hours=1))}, acts_for=acts_for)
    place = await projections.place(db, community_id)
    pool = await candidates(db, place, specialty, built["rules"]["scope"])
    stats = {d["member_id"]: d for d in await db[DISPATCH_STATS].find({"community_id": community_id}).to_list(None)}
    chosen = roster(pool, stats, spec["count"], built["_id"], await busy_on(db, duty_date))
    demand = await demands.insert(runtime, built)
    now = utc_now()
    rostered = []
    for seat, member_id in enumerate(chosen):  # a fresh demand: seat i is free for the i-th member
        claim_id = new_claim_id()
        await seats.hold(db, demand["_id"], member_id, claim_id)
        await db[SEATS].insert_one(seats.seat_doc(demand["_id"], seat, claim_id, member_id))
        load_id = await seats.reserve_load(db, member_id, claim_id, None)
        await create_claim(runtime, demand, claim_id, member_id, "member", "dispatch", seat, load_id)
        # Rotation bookkeeping: one writer per member row per dispatch; a lost +1 only nudges fairness.
        await db[DISPATCH_STATS].update_one(
            {"_id": f"{community_id}|{member_id}"},
            {"$inc": {"count": 1}, "$set": {"last_at": now, "community_id": community_id, "member_id": member_id}},
            upsert=True)
        rostered.append({"member_id": member_id, "claim_id": claim_id})
    names = await projections.masked_names(db, chosen)
    return {"demand_id": demand["_id"], "duty": spec["title"], "duty_date": duty_date.isoformat(),
            "requested": spec["count"], "candidates": len(pool), "shortfall": spec["count"] - len(chosen),
            "roster": [{**r, "name": names.get(r["member_id"], "")} for r in rostered]}
