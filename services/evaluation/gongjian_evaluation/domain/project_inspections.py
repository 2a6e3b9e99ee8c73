"""Inspection events (督查, claims.inspections.v1) counted in the statistics. Pure.

Per community (a unit's inspection counts in its paired community) and local month; the place
tree rolls them up to streets and districts. Counted once per event: the projector skips
redelivered offsets and repeated event ids, so these handlers only add. The counters are
listed in inspection_figures.py.
"""

from __future__ import annotations

from typing import Any

from .project_claims import _count, _place  # the same place rule and monthly buckets as the claims events


def count(state: Any, fx: Any, ev: dict[str, Any], data: dict[str, Any], at: Any, counter: str,
          amount: float = 1) -> None:
    _count(state, fx, _place(ev, data), at, counter, amount)


def inspection_recorded(state, ev, data, at, ctx, fx):
    count(state, fx, ev, data, at, "inspections_recorded")
    items = len(data.get("rectifications") or [])
    if items:
        count(state, fx, ev, data, at, "rectifications_opened", items)


def rectification_overdue(state, ev, data, at, ctx, fx):
    count(state, fx, ev, data, at, "rectifications_overdue")


def rectification_closed(state, ev, data, at, ctx, fx):
    count(state, fx, ev, data, at, "rectifications_closed")


HANDLERS = {"inspection.recorded": inspection_recorded,
            "inspection.rectification_overdue": rectification_overdue,
            "inspection.rectification_closed": rectification_closed}
