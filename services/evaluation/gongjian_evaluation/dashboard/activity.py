"""Recent activity by community and day, for the dashboard's time charts. Pure.

Fed with the claims events still retained in Kafka (the last ``days`` days), so it is
rebuilt at every start without a database: counters per (community, day, event type),
verified hours per day, resident ratings, and the demands' current status (for the
category × status chart and the overdue list). Days are local days (gongjian_shared.localtime).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gongjian_shared.localtime import add_days, format_deadline, local_date, now, parse_instant

# demand event → the status a demand has after it (overdue is a flag, not a status)
DEMAND_STATUS = {"demand.published": "open", "demand.claimed": "claimed", "demand.claim_released": "open",
                 "demand.fulfilled": "fulfilled", "demand.verified": "verified", "demand.closed": "closed"}
COUNTED = ("demand.published", "demand.claimed", "demand.fulfilled", "demand.verified", "demand.overdue",
           "demand.closed", "demand.rated", "wish.posted", "wish.approved", "suggestion.received",
           "suggestion.resolved")


def day_of(moment: str | None, fallback: datetime | None = None) -> date:
    """The local day of an event time (RFC 3339); ``fallback`` (else now) when it is missing or bad."""
    try:
        when = parse_instant(moment or "")
    except ValueError:
        when = fallback or now()
    return local_date(when)


def _due_text(due_at: str | None) -> str:
    """A deadline as people read it (2026年12月5日 24:00, local time); empty when missing or unreadable."""
    try:
        return format_deadline(due_at)
    except ValueError:
        return ""


@dataclass
class Demand:
    community: str
    category: str
    title: str = ""
    status: str = "open"
    overdue: bool = False
    due_at: str | None = None
    last_day: date | None = None


class Activity:
    def __init__(self, days: int = 7) -> None:
        self.days = days
        self.counts: Counter[tuple[str, date, str]] = Counter()
        self.hours: Counter[tuple[str, date]] = Counter()
        self.ratings: Counter[tuple[str, int]] = Counter()
        self.demands: dict[str, Demand] = {}

    def apply(self, event: dict[str, Any]) -> str | None:
        """Count one event; returns the community it counted for (None if not counted)."""
        short = str(event.get("type", "")).removeprefix("gongjian.")
        community = event.get("communityid")
        if (short not in COUNTED and short not in DEMAND_STATUS) or not community:
            return None
        data = event.get("data") or {}
        day = day_of(event.get("time"))
        if short in COUNTED:
            self.counts[(community, day, short)] += 1
        if short.startswith("demand."):
            self._demand(event["subject"], community, short, data, day)
        if short == "demand.verified" and data.get("approved"):
            self.hours[(community, day)] += float(data.get("hours") or 0)
        if short == "demand.rated" and isinstance(data.get("score"), int):
            self.ratings[(community, int(data["score"]))] += 1
        return community

    def _demand(self, demand_id: str, community: str, short: str, data: dict[str, Any], day: date) -> None:
        demand = self.demands.get(demand_id)
        if demand is None:
            demand = self.demands[demand_id] = Demand(community, data.get("category") or "未分类")
        demand.last_day = day
        demand.title = demand.title or data.get("title") or ""
        demand.due_at = demand.due_at or data.get("due_at")
        if short == "demand.overdue":
            demand.overdue = True
        elif short in DEMAND_STATUS and not (short == "demand.verified" and not data.get("approved")):
            demand.status = DEMAND_STATUS[short]

    def prune(self, today: date) -> None:
        """Forget what lies before the window (a long-running process stays bounded)."""
        cutoff = add_days(today, -self.days)
        for key in [k for k in self.counts if k[1] < cutoff]:
            del self.counts[key]
        for key in [k for k in self.hours if k[1] < cutoff]:
            del self.hours[key]
        for key in [k for k, d in self.demands.items() if d.last_day and d.last_day < cutoff and d.status == "closed"]:
            del self.demands[key]

    def summary(self, communities: set[str] | None, today: date, names: dict[str, str]) -> dict[str, Any]:
        """Everything the time charts show, for the communities of one place (None = all)."""
        days = [add_days(today, -n) for n in range(self.days - 1, -1, -1)]

        def inside(community: str) -> bool:
            return communities is None or community in communities

        by_day = {t: [0] * len(days) for t in COUNTED}
        hours = [0.0] * len(days)
        index = {d: i for i, d in enumerate(days)}
        for (community, day, short), n in self.counts.items():
            if inside(community) and day in index:
                by_day[short][index[day]] += n
        for (community, day), h in self.hours.items():
            if inside(community) and day in index:
                hours[index[day]] += h
        ratings = Counter()
        for (community, score), n in self.ratings.items():
            if inside(community):
                ratings[score] += n
        categories: dict[str, Counter] = {}
        overdue = []
        for demand_id, d in self.demands.items():
            if not inside(d.community):
                continue
            categories.setdefault(d.category, Counter())[d.status] += 1
            if d.overdue and d.status not in ("verified", "closed"):
                overdue.append({"demand_id": demand_id, "title": d.title, "category": d.category,
                                "community_id": d.community, "community": names.get(d.community, d.community),
                                "due_at": d.due_at, "due_text": _due_text(d.due_at), "status": d.status})
        rated = sum(ratings.values())
        hours_by, published_by = Counter(), Counter()
        for (community, day), h in self.hours.items():
            if inside(community) and day in index:
                hours_by[community] += h
        for (community, day, short), n in self.counts.items():
            if short == "demand.published" and inside(community) and day in index:
                published_by[community] += n
        return {
            "days": [d.isoformat() for d in days],
            "by_day": by_day,
            "hours_by_day": [round(h, 1) for h in hours],
            "categories": {c: dict(s) for c, s in sorted(categories.items())},
            "ratings": {str(s): ratings.get(s, 0) for s in range(1, 6)},
            "rating_average": round(sum(s * n for s, n in ratings.items()) / rated, 2) if rated else None,
            "overdue": sorted(overdue, key=lambda o: o["due_at"] or "")[:50],
            "overdue_count": len(overdue),
            "leaders": {"hours": _top(hours_by, names), "demands": _top(published_by, names)},
        }


def _top(counter: Counter, names: dict[str, str], n: int = 10) -> list[dict[str, Any]]:
    """Communities ranked by a figure (ties by name, so the order is stable)."""
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))
    return [{"id": c, "name": names.get(c, c), "value": round(v, 1)} for c, v in ranked[:n] if v > 0]
