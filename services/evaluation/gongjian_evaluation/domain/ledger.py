"""Booking points on the in-memory ledger: awards under caps, corrections as new entries. Pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gongjian_shared.localtime import rfc3339

from .periods import day_key, month_key, year_of
from .points import Earning, RuleVersion, capped
from .state import Entry, State
from .stats import add, bucket_keys


@dataclass(frozen=True)
class Source:
    """The event (or command) that earns the points."""

    event_id: str
    type: str
    at: datetime
    community_id: str | None
    district_id: str | None


@dataclass(frozen=True)
class Decision:
    kind: str
    rule: str
    rule_version: int
    requested: float
    points: float
    place_path: tuple[str, ...]


# Decides the points of each earning: live = rules + caps; rebuild = the facts on evaluation.ledger.v1.
Decider = Callable[[State, RuleVersion, str, list[Earning], Source], list[Decision]]


def place_path(state: State, source: Source) -> tuple[str, ...]:
    if source.community_id and source.community_id in state.places:
        return state.places[source.community_id].path
    return tuple(p for p in (source.district_id, source.community_id) if p)


def decide_with_caps(state: State, rule: RuleVersion, holder_id: str, earnings: list[Earning],
                     source: Source) -> list[Decision]:
    account = state.accounts.get(holder_id)
    day = account.by_day.get(day_key(source.at), 0.0) if account else 0.0
    year = account.by_period.get(str(year_of(source.at)), 0.0) if account else 0.0
    path = place_path(state, source)
    out = []
    for earning in earnings:
        points = capped(earning.points, day_total=day, year_total=year, rule=rule)
        day, year = day + points, year + points
        out.append(Decision(earning.kind, earning.rule_name(rule.version), rule.version, earning.points, points, path))
    return out


def facts_decider(facts: dict[str, dict[str, Any]], misses: list[str]) -> Decider:
    """Decide as recorded: ``facts`` = points.awarded data by entry id (another instance's journal
    document, or evaluation.ledger.v1 in a rebuild); an earning without a fact is decided afresh
    (and its entry id added to ``misses``)."""
    def decide(state: State, rule: Any, holder_id: str, earnings: list[Earning], source: Source) -> list[Decision]:
        out = []
        for earning in earnings:
            fact = facts.get(entry_id(source.event_id, earning.kind))
            if fact is None:
                misses.append(entry_id(source.event_id, earning.kind))
                out += decide_with_caps(state, rule, holder_id, [earning], source)
            else:
                out.append(Decision(earning.kind, fact["rule"], int(fact.get("rule_version", 1)),
                                    float(fact.get("requested_points", fact["points"])), float(fact["points"]),
                                    tuple(fact.get("place_path") or ())))
        return out
    return decide


def entry_id(source_event_id: str, kind: str) -> str:
    return f"{source_event_id}:{kind}"


def award(state: State, decide: Decider, rule: RuleVersion, *, holder_id: str, holder_kind: str,
          earnings: list[Earning], source: Source) -> list[dict[str, Any]]:
    """Book the earnings once per (source event, kind); returns the points.awarded events to publish."""
    if not earnings:
        return []
    out = []
    for d in decide(state, rule, holder_id, earnings, source):
        eid = entry_id(source.event_id, d.kind)
        if eid in state.entry_index:
            continue
        entry = Entry(eid, holder_id, d.points, d.rule, d.rule_version, source.event_id, source.type, source.at,
                      d.place_path, requested=d.requested)
        book(state, entry, holder_kind, source.community_id or source.district_id)
        out.append(_event("points.awarded", entry, holder_kind, source))
    return out


def revoke(state: State, *, entry_id_: str, reason: str, command_id: str) -> tuple[Entry, dict[str, Any]]:
    """A correction is a new entry taking the points back, booked in the original's period and place."""
    holder_id = state.entry_index[entry_id_]
    account = state.accounts[holder_id]
    original = next(e for e in account.entries if e.id == entry_id_)
    entry = Entry(f"{entry_id_}:revoked", holder_id, -original.points, "correction", original.rule_version,
                  original.source_event_id, "points.revoked", original.earned_at, original.place_path,
                  revokes=entry_id_, reason=reason)
    community = original.place_path[-1] if original.place_path else None
    book(state, entry, account.holder_kind, community)
    source = Source(command_id, "command", original.earned_at, community,
                    original.place_path[1] if len(original.place_path) > 1 else None)
    return entry, _event("points.revoked", entry, account.holder_kind, source)


def book(state: State, entry: Entry, holder_kind: str, bucket_place: str | None) -> None:
    account = state.account(entry.holder_id, holder_kind)
    p, at = entry.points, entry.earned_at
    year, month = str(year_of(at)), month_key(at)
    account.total = round(account.total + p, 2)
    account.by_day[day_key(at)] = round(account.by_day.get(day_key(at), 0.0) + p, 2)
    for period in (year, month):
        account.by_period[period] = round(account.by_period.get(period, 0.0) + p, 2)
    for place in entry.place_path:
        for period in ("all", year, month):
            account.by_place[(place, period)] = round(account.by_place.get((place, period), 0.0) + p, 2)
    account.entries.append(entry)
    state.entry_index[entry.id] = entry.holder_id
    for key in bucket_keys(bucket_place or "_unplaced", month):
        add(state.buckets[key], "points_awarded", p)


def _event(type_: str, entry: Entry, holder_kind: str, source: Source) -> dict[str, Any]:
    data = {"holder_id": entry.holder_id, "holder_kind": holder_kind, "points": abs(entry.points),
            "rule": entry.rule, "rule_version": entry.rule_version, "source_event_id": entry.source_event_id,
            "source_type": entry.source_type, "entry_id": entry.id,
            "earned_at": rfc3339(entry.earned_at), "place_path": list(entry.place_path)}
    if type_ == "points.awarded":
        data |= {"requested_points": entry.requested, "capped": entry.requested > entry.points}
    else:
        data |= {"revokes_entry_id": entry.revokes, "reason": entry.reason}
    return {"type": type_, "subject": entry.holder_id, "data": data, "districtid": source.district_id,
            "communityid": source.community_id}
