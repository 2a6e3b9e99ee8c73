"""Point rules (奉献积分) the city configures, versioned; awards with daily and yearly caps. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gongjian_shared.localtime import rfc3339

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RuleVersion:
    """One version of the rules; it applies to activity at or after ``effective_from``."""

    version: int
    effective_from: datetime
    hourly: dict[str, float] = field(default_factory=dict)  # points per verified hour by category
    default_hourly: float = 10.0
    joint_activity: float = 20.0  # per joint activity (联学共建) attended, and per unit-verified service
    rating: dict[str, float] = field(default_factory=lambda: {"5": 5.0, "4": 3.0})  # by resident stars
    day_cap: float | None = 50.0
    year_cap: float | None = 2000.0

    def per_hour(self, category: str | None) -> float:
        return float(self.hourly.get(category or "", self.default_hourly))

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "effective_from": rfc3339(self.effective_from),
                "hourly": self.hourly, "default_hourly": self.default_hourly,
                "joint_activity": self.joint_activity, "rating": self.rating,
                "caps": {"day": self.day_cap, "year": self.year_cap}}


DEFAULT_RULES = RuleVersion(version=1, effective_from=EPOCH)


def rule_in_force(versions: list[RuleVersion], at: datetime) -> RuleVersion:
    """The newest version effective at ``at``; history keeps the version it was computed with."""
    chosen = None
    for v in versions:
        if v.effective_from <= at and (chosen is None or v.version > chosen.version):
            chosen = v
    return chosen or DEFAULT_RULES


@dataclass(frozen=True)
class Earning:
    """Points a rule grants before caps."""

    kind: str  # verified_hours | joint_activity | rating
    points: float

    def rule_name(self, version: int) -> str:
        return f"{self.kind}:v{version}"


def earning_for_service(rule: RuleVersion, *, hours: float, category: str | None, claimant_kind: str,
                        approved: bool) -> list[Earning]:
    """Verified hours earn points per category; a unit's verified service is also a joint activity."""
    if not approved or hours <= 0:
        return []
    earned = [Earning("verified_hours", round(hours * rule.per_hour(category), 2))]
    if claimant_kind == "unit" and rule.joint_activity:
        earned.append(Earning("joint_activity", float(rule.joint_activity)))
    return earned


def earning_for_rating(rule: RuleVersion, stars: int) -> list[Earning]:
    points = float(rule.rating.get(str(stars), 0))
    return [Earning("rating", points)] if points > 0 else []


def capped(points: float, *, day_total: float, year_total: float, rule: RuleVersion) -> float:
    """What is left under the day and year caps (never negative)."""
    room = points
    if rule.day_cap is not None:
        room = min(room, rule.day_cap - day_total)
    if rule.year_cap is not None:
        room = min(room, rule.year_cap - year_total)
    return round(max(0.0, room), 2)


def rules_from_doc(doc: dict[str, Any]) -> RuleVersion:
    from .periods import parse_time

    caps = doc.get("caps") or {}
    return RuleVersion(
        version=int(doc["version"]), effective_from=parse_time(doc["effective_from"]),
        hourly={str(k): float(v) for k, v in (doc.get("hourly") or {}).items()},
        default_hourly=float(doc.get("default_hourly", 10)), joint_activity=float(doc.get("joint_activity", 20)),
        rating={str(k): float(v) for k, v in (doc.get("rating") or {}).items()},
        day_cap=caps.get("day"), year_cap=caps.get("year"),
    )
