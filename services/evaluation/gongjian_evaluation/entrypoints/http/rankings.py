"""Monthly 红黑榜: the best and worst communities of a street, district or city by the
time-in-state composite (see ``domain/time_figures.py`` for the figures and their source)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import OFFICIALS, allow
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.localtime import month_key, rfc3339

from ...domain.time_figures import BOARD_SIZE
from ...service import queries, time_figures
from .access import evaluation, official_for

router = APIRouter(tags=["统计 stats"])


@router.get("/leaderboards/red-black", summary="月度红黑榜 best and worst communities of a month by 响应率/办结率/满意率",
            **allow(*OFFICIALS, place="query:parent_id"))
async def red_black(request: Request, principal: CurrentPrincipal, parent_id: str,
                    month: str | None = Query(None, title="月份", description="YYYY-MM（本地时间）；缺省为本月"),
                    size: int = Query(BOARD_SIZE, ge=1, le=50, title="榜单名额", description="红榜、黑榜各列几个社区")) -> dict:
    """Communities under ``parent_id`` ranked for local ``month`` (default: this month).

    Returns ``{parent_id, month, ranked, red, black, unranked, weights, composite, as_of}``; each row
    ``{rank, place_id, name, figures}`` with figures as in ``time_in_state`` of ``/stats`` (rates 0–1,
    first-claim times in hours, close times in days). 404 unknown place; 403 outside your places;
    422 a month not YYYY-MM."""
    ev = evaluation(request)
    queries.scope_of(ev.state, parent_id)
    official_for(principal, ev.state, parent_id, "该排行")
    now = ev.clock.now()
    board = time_figures.board(ev.state, parent_id, queries.check_period(month or month_key(now)), now, size)
    return board | {"as_of": rfc3339(now)}
