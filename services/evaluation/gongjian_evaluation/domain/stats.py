"""Statistics counters per place and month, roll-up by the place tree, derived figures, health. Pure."""

from __future__ import annotations

from typing import Any

from . import inspection_figures, shift_figures
from .periods import months_of

COUNTERS = (
    "members_registered", "members_reported", "registered_reported", "units_registered", "units_reported",
    "demands_published", "demands_claimed", "claims_released", "claims_revoked", "claims_handed_over",
    "claims_idle_released", "demands_fulfilled", "demands_verified",
    "demands_overdue", "demands_closed", "wishes_posted", "wishes_approved", "wishes_rejected",
    "wishes_fulfilled", "suggestions_received", "suggestions_assigned", "suggestions_resolved", "suggestions_closed", "hours_served",
    "participants", "beneficiaries", "ratings_count", "ratings_sum", "points_awarded", "activities",
) + inspection_figures.COUNTERS + shift_figures.COUNTERS



def add(bucket: dict[str, float], counter: str, amount: float = 1) -> None:
    bucket[counter] = bucket.get(counter, 0) + amount


def bucket_keys(place_id: str, month: str) -> tuple[str, str]:
    return place_id, f"{place_id}|{month}"


def total(buckets: dict[str, dict[str, float]], places: list[str], period: str) -> dict[str, float]:
    """Sum of the counters of ``places`` (leaf buckets) over ``period`` (all, YYYY, YYYY-MM)."""
    months = months_of(period)
    keys = places if not months else [f"{p}|{m}" for p in places for m in months]
    out = dict.fromkeys(COUNTERS, 0.0)
    for key in keys:
        for counter, value in buckets.get(key, {}).items():
            out[counter] = out.get(counter, 0) + value
    return {k: (int(v) if float(v).is_integer() else round(v, 2)) for k, v in out.items()}


def derived(counters: dict[str, float], this_month: dict[str, float] | None = None) -> dict[str, Any]:
    registered = counters.get("members_registered", 0)
    rated = counters.get("ratings_count", 0)
    return {
        "reporting_rate": round(min(1.0, counters.get("registered_reported", 0) / registered), 4) if registered else None,
        "average_rating": round(counters.get("ratings_sum", 0) / rated, 2) if rated else None,
        "units_reported_this_month": int((this_month or {}).get("units_reported", 0)),
        "overdue_rate": round(counters["demands_overdue"] / counters["demands_published"], 4)
        if counters.get("demands_published") else None,
        **inspection_figures.derived(counters),
        **shift_figures.derived(counters),
    }


DEFAULT_HEALTH = {"reporting_rate_good": 0.8, "reporting_rate_bad": 0.5, "overdue_rate_warn": 0.1,
                  "overdue_rate_bad": 0.25}


def health(figures: dict[str, Any], thresholds: dict[str, float] | None = None) -> str:
    """good / warning / bad, for colouring a place tree; unknown when there is nothing to judge."""
    t = {**DEFAULT_HEALTH, **(thresholds or {})}
    rate, overdue = figures.get("reporting_rate"), figures.get("overdue_rate")
    if rate is None and overdue is None:
        return "unknown"
    if (rate is not None and rate < t["reporting_rate_bad"]) or (overdue is not None and overdue >= t["overdue_rate_bad"]):
        return "bad"
    if (rate is not None and rate < t["reporting_rate_good"]) or (overdue is not None and overdue >= t["overdue_rate_warn"]):
        return "warning"
    return "good"
