"""Key figures of a place from its stats snapshot, and the health colour of the place tree. Pure.

Snapshots are what evaluation publishes on the compacted evaluation.stats.v1 topic, keyed
by scope (``city``, ``district:<id>``, ``street:<id>``, ``community:<id>``): the public
contract a dashboard builds on. Figures the snapshot lacks are simply not shown.
"""

from __future__ import annotations

from typing import Any

HEALTH_LABELS = {"good": "良好", "fair": "一般", "poor": "需关注", "unknown": "暂无数据"}


def scope_keys(place_id: str, kind: str) -> list[str]:
    """The snapshot keys a place may be published under, most specific first."""
    keys = [f"{kind}:{place_id}"]
    if kind == "city":
        keys.append("city")
    return keys


def snapshot_for(snapshots: dict[str, dict[str, Any]], place_id: str, kind: str) -> dict[str, Any] | None:
    for key in scope_keys(place_id, kind):
        if key in snapshots:
            return snapshots[key]
    return None


def _number(stats: dict[str, Any], *names: str) -> float | None:
    for name in names:
        value = stats.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def reporting_rate(stats: dict[str, Any] | None) -> float | None:
    """Reported ÷ registered members, as a fraction (published rate if the snapshot has one)."""
    if not stats:
        return None
    rate = _number(stats, "reporting_rate")
    if rate is not None:
        return rate / 100 if rate > 1 else rate
    reported = _number(stats, "members_reported")
    registered = _number(stats, "members_registered", "members_total", "members")
    if reported is None or not registered:
        return None
    return min(1.0, reported / registered)


def health(stats: dict[str, Any] | None) -> dict[str, Any]:
    """Good: most members reported and nothing overdue; poor: under half reported or several overdue."""
    if not stats:
        return {"level": "unknown", "label": HEALTH_LABELS["unknown"]}
    rate = reporting_rate(stats)
    overdue = _number(stats, "demands_overdue", "overdue") or 0
    if (rate is not None and rate < 0.5) or overdue >= 3:
        level = "poor"
    elif (rate is not None and rate < 0.8) or overdue > 0:
        level = "fair"
    else:
        level = "good"
    return {"level": level, "label": HEALTH_LABELS[level], "reporting_rate": rate, "overdue": overdue}


def combine(parts: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """A place without its own snapshot (a street, say): the sum of its children's counters.

    Only plain counts add up; rates and averages are left out (the reporting rate is then
    recomputed from the summed counts by ``reporting_rate``).
    """
    known = [p for p in parts if p]
    if not known:
        return None
    total: dict[str, Any] = {"derived": True}
    for stats in known:
        for key, value in stats.items():
            if isinstance(value, int | float) and not isinstance(value, bool) and not _ratio(key):
                total[key] = total.get(key, 0) + value
    return total


def _ratio(key: str) -> bool:
    return any(word in key for word in ("rate", "average", "avg", "ratio", "percent"))
