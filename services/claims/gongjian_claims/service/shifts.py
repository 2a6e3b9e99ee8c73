"""A position's schedule (排班), its shifts, and members signing up per shift (报名).

Capacity per shift uses the seats of adapters/seats.py with the shift id as the pool: a
sign-up inserts seat ``<shift>#k`` (k < capacity) under a unique id, so concurrent sign-ups
on any number of instances never exceed the places; the sign-up document's own id
``<shift>~<member>`` is unique too, so a member signs up once per shift. Each sign-up is a
versioned aggregate (adapters/journal.py): its journal is the audit of check-in, check-out,
manual entries and corrections (service/attendance.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import add_days, earlier, local_date
from gongjian_shared.problems import Problem
from pymongo.errors import DuplicateKeyError

from ..adapters import journal, projections, seats
from ..adapters.store import DEMANDS, SEATS, SIGNUPS
from ..domain.rules import eligibility
from ..domain.shifts import Schedule, Shift, expand, occurrence, parse_shift_id
from . import shift_events
from .common import changed_meanwhile, get_demand, not_found, refuse, require_acts_for

LIVE = ("signed_up", "checked_in", "checked_out")  # hold a seat of the shift
SHOWN = ("demand_id", "shift_id", "day", "starts_at", "ends_at", "claimant_id", "status", "signed_up_at",
         "cancelled_at", "checked_in_at", "checked_out_at", "hours", "hours_source", "manual", "correction")


def _conflict(detail: str, code: str) -> Problem:
    return Problem(409, detail, code=code)


def signup_id(shift_id: str, member_id: str) -> str:
    return f"{shift_id}~{member_id}"


def view(signup: dict[str, Any]) -> dict[str, Any]:
    return {"id": signup["_id"], **{k: signup.get(k) for k in SHOWN}}


def schedule_of(demand: dict[str, Any]) -> Schedule:
    if demand.get("kind") != "position":
        raise _conflict("只有服务岗位才有班次 (only positions have shifts)", "not-a-position")
    if not demand.get("schedule"):
        raise _conflict("该岗位尚未排班 (the position has no schedule yet)", "no-schedule")
    return Schedule.from_doc(demand["schedule"])


async def set_schedule(runtime: Any, *, demand_id: str, spec: dict[str, Any], acts_for: Any) -> dict[str, Any]:
    """Give an open position its schedule; days default to its period (local dates). 422 bad schedule.
    Shifts signed up already keep their times (each sign-up stores its own)."""
    demand = await get_demand(runtime.db, demand_id)
    require_acts_for(acts_for, demand["path"], "排班")
    if demand.get("kind") != "position":
        raise _conflict("只有服务岗位可以排班 (only positions have a schedule)", "not-a-position")
    if demand["status"] != "open":
        raise _conflict("岗位已办结，不能排班 (the position is closed)", "demand-not-open")
    first = spec.get("first_day") or local_date(demand.get("period_start") or demand["published_at"])
    last = spec.get("last_day")
    if last is None and demand.get("period_end"):  # the period ends at a local midnight: its last day is before
        last = local_date(earlier(demand["period_end"], seconds=1))
    if last is None:
        raise Problem(422, "请注明排班结束日期 last_day (no end day)", code="bad-schedule")
    schedule = Schedule(first, last, tuple(spec["weekdays"]), spec["start"], spec["end"],
                        spec.get("capacity") or demand["capacity"])
    if problem := schedule.problem():
        raise Problem(422, problem, code="bad-schedule")
    for _ in range(3):  # another change of the position (a claim's count, overdue mark) may come first
        done = await journal.change(runtime, DEMANDS, demand, {"schedule": schedule.as_doc()})
        if done is not None:
            return {"demand_id": demand_id, "schedule": done["schedule"],
                    "shifts": len(expand(demand_id, schedule))}
        demand = await get_demand(runtime.db, demand_id)
    raise changed_meanwhile()


async def shifts_of(db: Any, *, demand_id: str, first: date | None, last: date | None,
                    member_id: str | None) -> dict[str, Any]:
    """Shifts of local days ``first``..``last`` (default: the next 4 weeks) with places taken and left,
    and ``mine`` (the caller's sign-up status) for a member."""
    demand = await get_demand(db, demand_id)
    schedule = schedule_of(demand)
    first = first or local_date(utc_now())
    last = min(last or add_days(first, 27), add_days(first, 91))
    found = expand(demand_id, schedule, first, last)
    taken = await seats.taken_by_pool(db, [s.id for s in found])
    mine: dict[str, dict[str, Any]] = {}
    if member_id and found:
        docs = await db[SIGNUPS].find({"claimant_id": member_id, "shift_id": {"$in": [s.id for s in found]}}) \
            .to_list(None)
        mine = {d["shift_id"]: d for d in docs}
    items = [{"id": s.id, "day": s.day.isoformat(), "starts_at": s.starts_at, "ends_at": s.ends_at,
              "capacity": s.capacity, "taken": taken.get(s.id, 0), "left": max(s.capacity - taken.get(s.id, 0), 0),
              "mine": view(mine[s.id]) if s.id in mine else None} for s in found]
    return {"demand_id": demand_id, "title": demand["title"], "community_id": demand["community_id"],
            "schedule": demand["schedule"], "items": items}


async def load_shift(db: Any, shift_id: str) -> tuple[dict[str, Any], Shift]:
    """(position, shift) of ``<demand id>@<YYYY-MM-DD>``; 404 when there is no such shift."""
    try:
        demand_id, day = parse_shift_id(shift_id)
    except ValueError:
        raise not_found("班次", "unknown-shift", shift_id) from None
    demand = await get_demand(db, demand_id)
    shift = occurrence(demand_id, schedule_of(demand), day)
    if shift is None:
        raise not_found("班次", "unknown-shift", shift_id)
    return demand, shift


async def sign_up(runtime: Any, *, shift_id: str, member_id: str) -> dict[str, Any]:
    """Take a place on a shift. 403 not eligible (as for claiming); 409 full, already signed up,
    started, position closed. Never more sign-ups than the shift's capacity (module doc)."""
    db = runtime.db
    demand, shift = await load_shift(db, shift_id)
    if demand["status"] != "open":
        raise _conflict("该岗位已办结，不能报名 (the position is closed)", "demand-not-open")
    if utc_now() >= shift.ends_at:  # a running shift still takes someone who turns up (check-in is open)
        raise _conflict("该班次已结束，不能报名 (the shift is over)", "shift-over")
    claimant = await projections.load_claimant(db, member_id, "member",
                                               with_streets=demand["rules"].get("scope") == "street")
    if refusal := eligibility(demand, claimant):
        raise refuse(refusal)
    sid = signup_id(shift.id, member_id)
    existing = await journal.load(db, SIGNUPS, sid)
    if existing is not None and existing["status"] in LIVE:
        raise _already()
    seat = await seats.take_seat(db, shift.id, shift.capacity, sid, member_id)
    if seat is None and await prune_orphans(db, shift.id):
        seat = await seats.take_seat(db, shift.id, shift.capacity, sid, member_id)
    if seat is None:
        raise _conflict("该班次名额已满 (the shift is full)", "shift-full")
    if seat == seats.HELD:
        raise _already()
    fields = {"seat": seat, "status": "signed_up", "signed_up_at": utc_now(), "cancelled_at": None}
    try:
        if existing is None:
            doc = {"_id": sid, "shift_id": shift.id, "demand_id": demand["_id"], "day": shift.day.isoformat(),
                   "starts_at": shift.starts_at, "ends_at": shift.ends_at, "community_id": demand["community_id"],
                   "path": demand["path"], "category": demand["category"], "claimant_id": member_id,
                   "claimant_kind": "member", **fields}
            done = await journal.create(runtime, SIGNUPS, doc,
                                        shift_events.on_topic(shift_events.signed_up(demand, doc)))
        else:  # signed up again after cancelling
            done = await journal.change(runtime, SIGNUPS, existing, fields, shift_events.on_topic(
                shift_events.signed_up(demand, {**existing, **fields})))
    except DuplicateKeyError:
        done = None  # the same member's other request won
    if done is None:
        await seats.free_seat(db, shift.id, seat, sid)
        raise _already()
    return view(done)


async def prune_orphans(db: Any, shift_id: str) -> int:
    """Free the seats of a full shift that no sign-up holds: older than a minute (a process that died
    between taking the seat and writing the sign-up, or between cancelling and freeing it)."""
    pruned = 0
    for doc in await db[SEATS].find({"pool": shift_id, "at": {"$lt": earlier(utc_now(), minutes=1)}}) \
            .to_list(None):
        signup = await db[SIGNUPS].find_one({"_id": doc["claim_id"]}, {"status": 1, "seat": 1})
        held = signup["status"] in LIVE and signup.get("seat") == doc["seat"] if signup \
            else await journal.created(db, doc["claim_id"])
        if not held:
            pruned += (await db[SEATS].delete_one({"_id": doc["_id"], "claim_id": doc["claim_id"]})).deleted_count
    return pruned


def _already() -> Problem:
    return _conflict("您已报名该班次 (already signed up for this shift)", "already-signed-up")


async def cancel(runtime: Any, *, shift_id: str, member_id: str) -> dict[str, Any]:
    """Give the place back before the shift starts. 409 after the start or when not signed up."""
    db = runtime.db
    demand, shift = await load_shift(db, shift_id)
    signup = await journal.load(db, SIGNUPS, signup_id(shift.id, member_id))
    if signup is None or signup["status"] != "signed_up":
        raise _conflict("您未报名该班次或已签到 (not signed up, or checked in)", "not-signed-up")
    if utc_now() >= shift.starts_at:
        raise _conflict("班次已开始，不能取消报名 (the shift has started)", "shift-started")
    done = await journal.change(runtime, SIGNUPS, signup, {"status": "cancelled", "cancelled_at": utc_now()},
                                shift_events.on_topic(shift_events.cancelled(demand, signup)))
    if done is None:
        raise changed_meanwhile()
    await seats.free_seat(db, shift.id, signup["seat"], signup["_id"])
    return view(done)


async def roster(db: Any, *, shift_id: str, acts_for: Any) -> dict[str, Any]:
    """The sign-ups of a shift (officials of the place), with masked names."""
    demand, shift = await load_shift(db, shift_id)
    require_acts_for(acts_for, demand["path"], "查看")
    docs = await db[SIGNUPS].find({"shift_id": shift.id}).sort("signed_up_at", 1).to_list(None)
    names = await projections.masked_names(db, [d["claimant_id"] for d in docs])
    return {"shift_id": shift.id, "starts_at": shift.starts_at, "ends_at": shift.ends_at,
            "capacity": shift.capacity, "items": [{**view(d), "name": names.get(d["claimant_id"])} for d in docs]}


async def of_member(db: Any, member_id: str, limit: int = 100) -> list[dict[str, Any]]:
    docs = await db[SIGNUPS].find({"claimant_id": member_id}).sort("starts_at", -1).limit(limit).to_list(None)
    titles = {d["_id"]: d.get("title") for d in await db[DEMANDS].find(
        {"_id": {"$in": list({d["demand_id"] for d in docs})}}, {"title": 1}).to_list(None)}
    return [{**view(d), "title": titles.get(d["demand_id"])} for d in docs]
