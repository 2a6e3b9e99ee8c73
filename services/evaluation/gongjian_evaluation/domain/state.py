"""The evaluation read state, held in memory and rebuilt from the journal or the topics.

Every field is a pure function of the events applied (and of the point rules in force at each
event's time), so replaying the same events gives the same state: that is what makes rebuild exact.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gongjian_shared.localtime import rfc3339

from .time_in_state import Item

SEEN_CAP = 3_000_000  # event ids remembered for de-duplication (duplicates arrive close together)


@dataclass(slots=True)
class Place:
    id: str
    kind: str
    name: str
    parent_id: str | None
    path: tuple[str, ...]


@dataclass(slots=True)
class Entry:
    """One line of a holder's ledger. A correction is a new entry with negative points."""

    id: str
    holder_id: str
    points: float
    rule: str
    rule_version: int
    source_event_id: str
    source_type: str
    earned_at: datetime
    place_path: tuple[str, ...]
    requested: float = 0.0
    revokes: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "points": self.points, "rule": self.rule, "rule_version": self.rule_version,
                "source_event_id": self.source_event_id, "source_type": self.source_type,
                "earned_at": rfc3339(self.earned_at),
                "recorded_at": rfc3339(self.earned_at),
                "community_id": self.place_path[-1] if self.place_path else None,
                "capped": self.requested > self.points if self.revokes is None else False,
                "revokes": self.revokes, "reason": self.reason}


@dataclass(slots=True)
class Account:
    holder_id: str
    holder_kind: str
    total: float = 0.0
    by_day: dict[str, float] = field(default_factory=dict)
    by_period: dict[str, float] = field(default_factory=dict)  # "2026", "2026-11"
    by_place: dict[tuple[str, str], float] = field(default_factory=dict)  # (place id, "all"|"2026"|"2026-11")
    entries: list[Entry] = field(default_factory=list)


@dataclass(slots=True)
class Holder:
    """What evaluation knows of a member or unit (reference data plus activity)."""

    id: str
    kind: str  # member | unit
    name: str = ""
    member_kind: str | None = None
    home: str | None = None  # member: home community; unit: paired community
    work_unit: str | None = None
    active: bool = True
    reported: dict[str, str] = field(default_factory=dict)  # community -> "home"/"work"/"home,work"
    reported_months: set[str] = field(default_factory=set)  # unit monthly reports
    basis: datetime | None = None  # start of the inactivity clock: last report or verified activity
    last_activity: datetime | None = None
    active_months: set[str] = field(default_factory=set)
    hours: dict[int, float] = field(default_factory=dict)
    services: dict[int, int] = field(default_factory=dict)
    ratings: dict[int, list[float]] = field(default_factory=dict)  # year -> [sum, count]

    def places(self) -> list[str]:
        return [c for c in (self.home, *self.reported) if c]


@dataclass
class State:
    applied: dict[str, int] = field(default_factory=dict)  # "topic:partition" -> last offset applied
    seen: dict[str, None] = field(default_factory=dict)  # insertion-ordered event ids
    places: dict[str, Place] = field(default_factory=dict)
    holders: dict[str, Holder] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    buckets: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))  # "P" / "P|YYYY-MM"
    claims: dict[str, tuple[str, str]] = field(default_factory=dict)  # claim id -> (claimant id, kind)
    entry_index: dict[str, str] = field(default_factory=dict)  # entry id -> holder id
    commands: set[str] = field(default_factory=set)  # ids of HTTP commands applied
    items: dict[str, Item] = field(default_factory=dict)  # time in state: item id -> its instants
    item_index: dict[str, set[str]] = field(default_factory=dict)  # "place|YYYY-MM" (opened) -> item ids
    signups: dict[str, str] = field(default_factory=dict)  # shift sign-up id -> signed / attended / cancelled
    shifts_held: set[str] = field(default_factory=set)  # shift ids someone attended

    def __setstate__(self, saved: dict[str, Any]) -> None:
        # A checkpoint written before a field existed loads with that field empty (the rebuild
        # script fills it from the topics).
        self.__dict__.update({"items": {}, "item_index": {}, "signups": {}, "shifts_held": set(), **saved})

    def first_time(self, event_id: str) -> bool:
        if event_id in self.seen:
            return False
        self.seen[event_id] = None
        if len(self.seen) > SEEN_CAP:
            self.seen.pop(next(iter(self.seen)))
        return True

    def holder(self, holder_id: str, kind: str = "member") -> Holder:
        found = self.holders.get(holder_id)
        if found is None:
            found = self.holders[holder_id] = Holder(holder_id, kind)
        return found

    def account(self, holder_id: str, kind: str) -> Account:
        found = self.accounts.get(holder_id)
        if found is None:
            found = self.accounts[holder_id] = Account(holder_id, kind)
        return found

    def path_of(self, place_id: str | None) -> tuple[str, ...]:
        if not place_id:
            return ()
        place = self.places.get(place_id)
        return place.path if place else (place_id,)
