"""Apply one consumed event to the state: reference data, statistics, activity and points. Pure.

Tolerant reader: only the fields evaluation needs are read, with defaults for optional ones;
unknown event types are ignored. See ``entrypoints.consumers.READS`` for the models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .ledger import Decider
from .periods import month_key, parse_time
from .points import RuleVersion
from .state import Place, State
from .stats import add, bucket_keys


@dataclass
class Effects:
    """What applying a batch produced: events to publish, members whose activity clock moved, dirty places."""

    events: list[dict[str, Any]] = field(default_factory=list)
    members: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)


@dataclass
class Ctx:
    rules: list[RuleVersion]
    decide: Decider


def _place(ev: dict[str, Any], data: dict[str, Any], *keys: str) -> str:
    for key in keys:
        if data.get(key):
            return str(data[key])
    return ev.get("communityid") or ev.get("districtid") or "_unplaced"


def _count(state: State, fx: Effects, place: str, at: Any, counter: str, amount: float = 1) -> None:
    for key in bucket_keys(place, month_key(at)):
        add(state.buckets[key], counter, amount)
    fx.places.add(place)


def apply(state: State, ev: dict[str, Any], ctx: Ctx, fx: Effects) -> None:
    handler, tracked = HANDLERS.get(ev["type"]), ev["type"] in time_in_state.TRACKERS
    if handler is None and not tracked:
        return
    data, at = ev.get("data") or {}, parse_time(ev.get("time"))
    if handler is not None:
        handler(state, ev, data, at, ctx, fx)
    if tracked:
        time_in_state.track(state, ev, data, at, project_claims.place_of(ev, data), fx)


# --- registry -------------------------------------------------------------------------------

def place_created(state, ev, data, at, ctx, fx):
    pid = str(data["place_id"])
    path = tuple(str(p) for p in (data.get("path") or [pid]))
    state.places[pid] = Place(pid, str(data.get("kind", "community")), str(data.get("name", pid)),
                              data.get("parent_id"), path)
    fx.places.add(pid)


def place_updated(state, ev, data, at, ctx, fx):
    old = state.places.get(str(data.get("place_id", ev["subject"])))
    if old is not None:
        old.name = str(data.get("name", old.name))
        if data.get("path"):
            old.path = tuple(str(p) for p in data["path"])


def unit_registered(state, ev, data, at, ctx, fx):
    unit = state.holder(str(data.get("unit_id", ev["subject"])), "unit")
    first = unit.home is None and not unit.name
    unit.name = str(data.get("name", unit.name))
    unit.home = data.get("community_id") or data.get("paired_community_id") or ev.get("communityid") or unit.home
    if first:
        _count(state, fx, _place(ev, data, "community_id", "paired_community_id"), at, "units_registered")


def unit_updated(state, ev, data, at, ctx, fx):
    unit = state.holder(str(data.get("unit_id", ev["subject"])), "unit")
    unit.name = str(data.get("name", unit.name))
    unit.home = data.get("community_id") or data.get("paired_community_id") or unit.home


def unit_reported(state, ev, data, at, ctx, fx):
    unit = state.holder(str(data.get("unit_id", ev["subject"])), "unit")
    when = parse_time(data.get("reported_at"), at)
    month = str(data.get("month") or month_key(when))
    place = _place(ev, data, "community_id")
    if not unit.reported_months:
        add(state.buckets[place], "units_reported")  # all time: distinct units that ever reported
    if month not in unit.reported_months:  # per month: distinct units that reported that month
        unit.reported_months.add(month)
        add(state.buckets[f"{place}|{month}"], "units_reported")
    fx.places.add(place)


def member_registered(state, ev, data, at, ctx, fx):
    member = state.holder(str(data.get("member_id", ev["subject"])), "member")
    first = not member.name
    member.name = str(data.get("name_masked", member.name))
    member.member_kind = data.get("kind", member.member_kind)
    member.home = data.get("home_community_id") or member.home or ev.get("communityid")
    member.work_unit = data.get("work_unit_id") or member.work_unit
    if first:
        _count(state, fx, member.home or _place(ev, data), at, "members_registered")


def member_reported(state, ev, data, at, ctx, fx):
    member = state.holder(str(data.get("member_id", ev["subject"])), "member")
    community, kind = str(data["community_id"]), str(data.get("kind", "home"))
    when = parse_time(data.get("reported_at"), at)
    if not member.reported:
        _count(state, fx, member.home or community, when, "registered_reported")
    if community not in member.reported:
        member.reported[community] = kind
        _count(state, fx, community, when, "members_reported")
    elif kind not in member.reported[community].split(","):
        member.reported[community] += f",{kind}"
    member.basis = max(member.basis, when) if member.basis else when
    fx.members.add(member.id)


def member_updated(state, ev, data, at, ctx, fx):
    member = state.holder(str(data.get("member_id", ev["subject"])), "member")
    member.name = str(data.get("name_masked", member.name))
    member.work_unit = data.get("work_unit_id", member.work_unit)
    member.home = data.get("home_community_id") or member.home


def member_transferred(state, ev, data, at, ctx, fx):
    member = state.holder(str(data.get("member_id", ev["subject"])), "member")
    member.home = data.get("to_community_id") or data.get("home_community_id") or data.get("community_id") or member.home


def member_deactivated(state, ev, data, at, ctx, fx):
    state.holder(str(data.get("member_id", ev["subject"])), "member").active = False
    fx.members.add(str(data.get("member_id", ev["subject"])))


HANDLERS: dict[str, Callable[..., None]] = {
    "place.created": place_created, "place.updated": place_updated,
    "unit.registered": unit_registered, "unit.updated": unit_updated, "unit.reported": unit_reported,
    "member.registered": member_registered, "member.reported": member_reported,
    "member.updated": member_updated, "member.transferred": member_transferred,
    "member.deactivated": member_deactivated,
}

from . import project_claims, project_shifts, time_in_state  # noqa: E402  (registers the claims handlers)

HANDLERS.update(project_claims.HANDLERS)

from . import project_inspections  # noqa: E402  (registers the inspection handlers)

HANDLERS.update(project_inspections.HANDLERS)
HANDLERS.update(project_shifts.HANDLERS)
