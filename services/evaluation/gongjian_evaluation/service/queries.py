"""Read side: statistics of a scope or place, its children, leaderboards. From the in-memory state."""

from __future__ import annotations

from typing import Any

from gongjian_shared.problems import Problem

from ..domain import stats
from ..domain.periods import month_key, period_kind
from ..domain.state import State
from . import time_figures

SCOPE_KINDS = ("city", "district", "street", "community")


def parse_scope(state: State, scope: str) -> tuple[str, str | None]:
    """``city`` | ``city:<id>`` | ``district:<id>`` | ``street:<id>`` | ``community:<id>`` → (kind, place id).

    ``city`` means the deployment's one city; where several cities are kept apart it is ambiguous
    (422 ``ambiguous-city``) and ``city:<id>`` names one: a city's figures never add another's (issue 13).
    """
    if scope == "city":
        cities = city_ids(state)
        if len(cities) > 1:
            raise Problem(422, f"本系统有 {len(cities)} 个城市，请用 city:<id> 指定 (several cities: use city:<id>)",
                          code="ambiguous-city", cities=cities)
        return "city", cities[0] if cities else None
    kind, _, place_id = scope.partition(":")
    if kind not in SCOPE_KINDS or not place_id:
        raise Problem(422, f"范围格式应为 city、district:<id>、street:<id> 或 community:<id> (bad scope {scope!r})",
                      code="bad-scope")
    return kind, place_id


def scope_of(state: State, place_id: str) -> str:
    place = state.places.get(place_id)
    if place is None:
        raise Problem(404, f"地点不存在：{place_id} (unknown place)", code="unknown-place")
    return city_scope(state, place_id) if place.kind == "city" else f"{place.kind}:{place_id}"


def city_ids(state: State) -> list[str]:
    return sorted(p.id for p in state.places.values() if p.kind == "city")


def city_scope(state: State, city: str | None) -> str:
    """``city`` for the deployment's only city, ``city:<id>`` where there are several."""
    return "city" if city is None or len(city_ids(state)) <= 1 else f"city:{city}"


def check_period(period: str, *, quarters: bool = False) -> str:
    """``period`` if it is all | YYYY | YYYY-MM, or (``quarters``: the statistics) YYYY-Qn; else 422."""
    try:
        kind = period_kind(period)
    except ValueError:
        kind = None
    if kind is None or (kind == "quarter" and not quarters):
        shapes = "all、YYYY、YYYY-Qn（季度）或 YYYY-MM" if quarters else "all、YYYY 或 YYYY-MM"
        raise Problem(422, f"周期应为 {shapes} (bad period {period!r})", code="bad-period")
    return period


def leaves_under(state: State, kind: str, place_id: str | None) -> list[str]:
    """Bucket places counted in a scope: itself and everything whose path runs through it."""
    keys = [k for k in state.buckets if "|" not in k]
    if kind == "city" and place_id is None:
        return keys  # no city known yet: whatever there is
    return [k for k in keys if k == place_id or place_id in state.path_of(k)]


def figures(state: State, kind: str, place_id: str | None, period: str, now: Any, health: dict | None = None,
            *, timely: bool = True) -> dict:
    """Counters, derived figures, health and (``timely``) the time-in-state figures of a scope."""
    leaves = leaves_under(state, kind, place_id)
    counters = stats.total(state.buckets, leaves, period)
    this_month = stats.total(state.buckets, leaves, month_key(now))
    derived = stats.derived(counters, this_month)
    place = state.places.get(place_id) if place_id else None
    return {"scope": city_scope(state, place_id) if kind == "city" else f"{kind}:{place_id}", "place_id": place_id, "kind": kind,
            "name": place.name if place else None, "period": period, "counters": counters, "derived": derived,
            "health": stats.health(derived, health),
            "time_in_state": time_figures.of_places(state, leaves, period, now) if timely else None}


def children(state: State, place_id: str, period: str, now: Any, health: dict | None = None) -> list[dict]:
    kids = sorted((p for p in state.places.values() if p.parent_id == place_id), key=lambda p: p.name)
    return [figures(state, p.kind if p.kind in SCOPE_KINDS else "community", p.id, period, now, health)
            | {"child_count": sum(1 for q in state.places.values() if q.parent_id == p.id)} for p in kids]


def points_leaderboard(state: State, place_id: str | None, period: str, holder_kind: str | None,
                       limit: int) -> list[dict[str, Any]]:
    rows = []
    for account in state.accounts.values():
        if holder_kind and account.holder_kind != holder_kind:
            continue
        if place_id:
            points = account.by_place.get((place_id, period), 0.0)
        else:
            points = account.total if period == "all" else account.by_period.get(period, 0.0)
        if points > 0:
            holder = state.holders.get(account.holder_id)
            rows.append({"holder_id": account.holder_id, "holder_kind": account.holder_kind,
                         "name": holder.name if holder else "", "points": round(points, 2)})
    rows.sort(key=lambda r: (-r["points"], r["holder_id"]))
    return [{"rank": i + 1, **r} for i, r in enumerate(rows[:limit])]


def places_leaderboard(state: State, parent_id: str, metric: str, period: str, now: Any,
                       limit: int) -> list[dict[str, Any]]:
    rows = children(state, parent_id, period, now)
    def value(row: dict) -> float:
        v = row["counters"].get(metric, row["derived"].get(metric))
        return float(v) if v is not None else -1.0
    if rows and metric not in rows[0]["counters"] and metric not in rows[0]["derived"]:
        raise Problem(422, f"未知指标：{metric} (unknown metric)", code="unknown-metric")
    rows.sort(key=lambda r: (-value(r), r["place_id"]))
    return [{"rank": i + 1, "place_id": r["place_id"], "name": r["name"], "kind": r["kind"], "value": value(r)}
            for i, r in enumerate(rows[:limit])]
