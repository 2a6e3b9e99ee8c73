"""Member ratings (五星级党员) and year-end scores by configurable criteria and weights. Pure."""

from __future__ import annotations

from typing import Any

from .reviews import GRADES
from .state import Holder, State

# Year-end weight items as officials read them (reports, errors).
WEIGHT_LABELS = {"points": "年度积分", "activity": "活跃月数", "rating": "群众评价", "assessment": "社区评价",
                 "review": "双向评议", "reports": "月度报到"}

DEFAULT_CONFIG: dict[str, Any] = {
    # Each criterion met adds a star to the base star; five stars and no open inactivity alert = 五星级.
    "five_star": [
        {"metric": "points_year", "min": 100, "label": "年度积分≥100 (points this year)"},
        {"metric": "active_months", "min": 6, "label": "年度活跃月份≥6 (active months)"},
        {"metric": "average_rating", "min": 4.0, "label": "群众评价≥4.0 (resident rating)"},
        {"metric": "dual_reported", "min": 1, "label": "完成双报到 (reported home and work)"},
    ],
    "year_end": {
        "member": {"weights": {"points": 0.4, "activity": 0.3, "rating": 0.15, "assessment": 0.15},
                   "points_target": 200},
        "unit": {"weights": {"points": 0.3, "review": 0.4, "reports": 0.3}, "points_target": 500},
    },
    "commendation_top": 10,
    "health": {},
}


def member_metrics(state: State, holder: Holder, year: int) -> dict[str, Any]:
    account = state.accounts.get(holder.id)
    rating = holder.ratings.get(year)
    kinds = {k for v in holder.reported.values() for k in v.split(",")}
    return {
        "points_year": account.by_period.get(str(year), 0.0) if account else 0.0,
        "points_total": account.total if account else 0.0,
        "active_months": sum(1 for m in holder.active_months if m.startswith(f"{year}-")),
        "average_rating": round(rating[0] / rating[1], 2) if rating and rating[1] else None,
        "dual_reported": 1 if {"home", "work"} <= kinds else 0,
        "hours": holder.hours.get(year, 0.0), "services": holder.services.get(year, 0),
    }


def stars(metrics: dict[str, Any], criteria: list[dict[str, Any]], inactive: bool) -> dict[str, Any]:
    met = [c for c in criteria if metrics.get(c["metric"]) is not None and metrics[c["metric"]] >= c["min"]]
    count = min(5, 1 + len(met))
    if inactive:
        count = min(count, 4)  # 通报批评: loses five-star standing while inactive
    return {"stars": count, "five_star": count == 5 and not inactive, "inactive": inactive,
            "criteria": [{**c, "value": metrics.get(c["metric"]), "met": c in met} for c in criteria]}


def _pct(value: float, target: float) -> float:
    return max(0.0, min(100.0, 100.0 * value / target)) if target else 0.0


def member_score(metrics: dict[str, Any], assessment_grade: str | None, cfg: dict[str, Any]) -> dict[str, Any]:
    w = cfg["weights"]
    parts = {
        "points": _pct(metrics["points_year"], cfg.get("points_target", 200)),
        "activity": _pct(metrics["active_months"], 12),
        "rating": _pct(metrics["average_rating"] or 0, 5),
        "assessment": _pct(GRADES.get(assessment_grade or "", 0), 4),
    }
    return {"score": round(sum(parts[k] * w.get(k, 0) for k in parts), 2), "parts": parts}


def unit_score(state: State, unit: Holder, year: int, review_grade: str | None, cfg: dict[str, Any]) -> dict[str, Any]:
    account = state.accounts.get(unit.id)
    w = cfg["weights"]
    parts = {
        "points": _pct(account.by_period.get(str(year), 0.0) if account else 0.0, cfg.get("points_target", 500)),
        "review": _pct(GRADES.get(review_grade or "", 0), 4),
        "reports": _pct(sum(1 for m in unit.reported_months if m.startswith(f"{year}-")), 12),
    }
    return {"score": round(sum(parts[k] * w.get(k, 0) for k in parts), 2), "parts": parts}
