"""Read side of the time-in-state figures: a scope's figures for a period, month by month, and
the monthly 红黑榜 of the communities under a street or district. From the in-memory state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongjian_shared.localtime import add_months, month_bounds, month_key, months_between
from gongjian_shared.problems import Problem

from ..domain import time_figures
from ..domain.periods import months_of
from ..domain.state import State
from ..domain.time_in_state import items_of

RECENT_MONTHS = 6  # months a stats snapshot carries (the dashboard's trend and ranking)


def of_places(state: State, places: list[str], period: str, now: datetime) -> dict[str, Any]:
    """Figures of the items opened in ``period`` (all | YYYY | YYYY-MM, local) in ``places``."""
    return time_figures.figures(items_of(state, places, months_of(period)), now) | {"period": period}


def recent_months(now: datetime, count: int = RECENT_MONTHS) -> list[str]:
    """The local month of ``now`` and the ``count - 1`` before it, oldest first."""
    last = month_key(now)
    return months_between(month_key(add_months(month_bounds(last)[0], 1 - count)), last)


def by_month(state: State, places: list[str], now: datetime, months: list[str] | None = None) -> dict[str, Any]:
    return {m: of_places(state, places, m, now) for m in (months or recent_months(now))}


def communities_under(state: State, parent_id: str) -> list[str]:
    return sorted(p.id for p in state.places.values() if p.kind == "community" and parent_id in p.path
                  and p.id != parent_id)


def board(state: State, parent_id: str, month: str, now: datetime, size: int = time_figures.BOARD_SIZE) -> dict:
    """红黑榜 of the communities under ``parent_id`` (street, district or city) for local ``month``."""
    if len(months_of(month)) != 1:
        raise Problem(422, f"月份应为 YYYY-MM (bad month {month!r})", code="bad-period")
    rows = []
    for community in communities_under(state, parent_id):
        leaves = [community]  # a community is a leaf place: its items are counted under its own id
        rows.append({"place_id": community, "name": state.places[community].name,
                     "figures": of_places(state, leaves, month, now)})
    return {"parent_id": parent_id, "month": month, **time_figures.ranking(rows, size),
            "composite": "综合得分 = 响应率×30% + 办结率×35% + 满意率×35%（“三率”考核；无评价时按其余两项折算）"}
