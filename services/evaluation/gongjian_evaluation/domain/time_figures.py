"""Time-in-state figures of a set of items, as 12345 hotlines publish them, and the monthly
红黑榜 (best and worst communities by a composite). Pure.

Which figures, and why so (the glossary says the same in officials' words):

- 响应率 response rate: items claimed (need, wish) or assigned (suggestion) within ``response_hours``
  of being opened ÷ items whose window has passed or that were answered (an item opened an hour
  ago and not yet claimed is not late yet, so it is not counted against the place).
- 办结率 closure rate: items closed with the work done (销号; a suggestion answered) ÷ items.
- 满意率 satisfaction rate: what the people served said, each saying once: ratings of 4 or 5 stars
  (满意 + 基本满意, as hotlines count them) and 解决了吗 answers "resolved" ÷ all ratings and answers.
- 解决率 resolved rate: 解决了吗 answers "resolved" ÷ answers ("partly" is not resolved; counted apart).
- A "not" answer that reopened an item takes its closing back: the item is open until closed again,
  and its time to close runs to the last closing.
- 首次认领用时 and 办结用时: the **median** (中位数) over the items that got there, in hours and
  days; the mean (平均) is given next to it because hotline reports publish averages. The median
  is the headline: one wish left for months would otherwise make a place that answers everything
  in a day look slow, and a median cannot be moved by a few such items. Items not yet claimed or
  closed are left out of these times and shown as open (they are in the rates' denominators).
- Rejected wishes and withdrawn items (DROPPED) were never work to answer: counted apart, not in
  the rates. Demands closed as ``cancelled`` (nobody served) stay in: they count as not closed.

Composite for the ranking (综合得分, 0–100): 30% response rate + 35% closure rate + 35%
satisfaction rate: the "三率" (响应率、解决率、满意率) by which Beijing's 接诉即办 ranks streets
every month, with the 30/35/35 weights of the Zhungeer Banner rules quoted in reports on that
practice. A rate without data (no rating yet) is left out and the other weights scaled up;
a place without items that month is not ranked.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

from .time_in_state import DROPPED, ITEM_KINDS, Item

RESPONSE_HOURS = 72  # default stated response time; evaluation config ``time_in_state.response_hours``
SATISFIED_STARS = 4
WEIGHTS = {"response_rate": 0.30, "closure_rate": 0.35, "satisfaction_rate": 0.35}
BOARD_SIZE = 3


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _middle(values: list[float], scale: float = 1.0) -> tuple[float | None, float | None]:
    """(median, mean) of ``values`` divided by ``scale``, rounded to 0.1; (None, None) when empty."""
    if not values:
        return None, None
    return round(statistics.median(values) / scale, 1), round(statistics.fmean(values) / scale, 1)


def composite(fig: dict[str, Any]) -> float | None:
    present = {k: w for k, w in WEIGHTS.items() if fig.get(k) is not None}
    if not fig.get("items_received") or not present:
        return None
    total = sum(present.values())
    return round(100 * sum(fig[k] * w for k, w in present.items()) / total, 1)


def figures(items: list[Item], now: datetime, response_hours: float = RESPONSE_HOURS) -> dict[str, Any]:
    """Figures of ``items`` as of ``now``: counts, rates (fractions 0–1), times (hours / days)."""
    live = [i for i in items if i.opened_at is not None and i.ended not in DROPPED]
    window = timedelta(hours=response_hours)
    claim_hours = [_hours(i.opened_at, i.responded_at) for i in live if i.responded_at]
    close_hours = [_hours(i.opened_at, i.closed_at) for i in live if i.closed_at]
    due = [i for i in live if i.responded_at or i.opened_at + window <= now]
    in_time = [i for i in live if i.responded_at and i.responded_at - i.opened_at <= window]
    scores = [s for i in live for s in i.ratings.values()]
    answers = [a for i in live for a in i.answers.values()]
    resolved = answers.count("resolved")
    satisfied = sum(1 for s in scores if s >= SATISFIED_STARS) + resolved
    claim_median, claim_mean = _middle(claim_hours)
    close_median, close_mean = _middle(close_hours, 24)
    out = {
        "items_received": len(live),
        **{f"items_{kind}": sum(1 for i in live if i.kind == kind) for kind in ITEM_KINDS},
        "items_dropped": sum(1 for i in items if i.ended in DROPPED),
        "items_responded": len(claim_hours),
        "items_responded_in_time": len(in_time),
        "items_response_due": len(due),
        "items_closed": len(close_hours),
        "items_open": len(live) - len(close_hours),
        "ratings_received": len(scores),
        "answers_received": len(answers),
        "answers_resolved": resolved,
        "answers_partly": answers.count("partly"),
        "responses_satisfied": satisfied,
        "response_hours_limit": response_hours,
        "response_rate": _rate(len(in_time), len(due)),
        "closure_rate": _rate(len(close_hours), len(live)),
        "satisfaction_rate": _rate(satisfied, len(scores) + len(answers)),
        "resolved_rate": _rate(resolved, len(answers)),
        "first_claim_hours_median": claim_median,
        "first_claim_hours_mean": claim_mean,
        "close_days_median": close_median,
        "close_days_mean": close_mean,
    }
    out["composite_score"] = composite(out)
    return out


def ranking(rows: list[dict[str, Any]], size: int = BOARD_SIZE) -> dict[str, Any]:
    """红黑榜 of ``rows`` ({place_id, name, figures}): ranked best first, red = the best ``size``,
    black = the worst ``size`` (worst first), never the same place on both; unranked = no items."""
    ranked = [r for r in rows if r["figures"].get("composite_score") is not None]
    unranked = [r for r in rows if r["figures"].get("composite_score") is None]

    def order(row: dict[str, Any]) -> tuple:
        f = row["figures"]
        return (-f["composite_score"], -(f.get("closure_rate") or 0), -(f.get("response_rate") or 0),
                row["place_id"])

    ranked.sort(key=order)
    ranked = [{"rank": n + 1, **r} for n, r in enumerate(ranked)]
    red = min(size, (len(ranked) + 1) // 2)
    black = min(size, len(ranked) - red)
    return {"ranked": ranked, "red": ranked[:red], "black": list(reversed(ranked))[:black],
            "unranked": [{"rank": None, **r} for r in sorted(unranked, key=lambda r: r["place_id"])],
            "weights": WEIGHTS}
