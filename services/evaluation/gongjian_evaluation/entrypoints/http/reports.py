"""Reports an official downloads: year-end evaluation and statistics, .xlsx or .pdf.

Who: any official (city, district, street or community staff) for the places they may see —
a community admin gets their own community's report (issue 13; it was 403 before).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from gongjian_shared.access import ANYONE_SIGNED_IN, OFFICIALS, allow
from gongjian_shared.answers import file_answers
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import format_local, format_month
from gongjian_shared.problems import Problem

from ...domain.glossary import as_dicts
from ...service import queries, reports, time_figures, yearend
from .access import evaluation, official_for

router = APIRouter(tags=["报表 reports"])
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def _download(content: bytes, fmt: str, filename: str) -> Response:
    return Response(content, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f"attachment; filename=report.{fmt}; filename*=UTF-8''{quote(filename)}.{fmt}"})


def _place_name(ev, place_id: str) -> str:
    place = ev.state.places.get(place_id)
    return place.name if place else place_id


@router.get("/reports/year-end.{fmt}", summary="年末考核报表 year-end evaluation of a place (xlsx | pdf)",
            **allow(*OFFICIALS, place="query:place_id", **file_answers(*MEDIA.values())))
async def year_end_report(fmt: str, request: Request, principal: CurrentPrincipal, place_id: str,
                          year: int = Query(ge=2000, le=2100)) -> Response:
    """Members' and units' year-end scores under ``place_id`` for calendar ``year`` (local), with
    the weights version that judges that year. 404 unknown format or place; 403 outside your places."""
    ev = evaluation(request)
    _check(principal, ev, place_id, fmt)
    result = await yearend.year_end(ev, place_id, year, request.headers.get("authorization"))
    title = f"{_place_name(ev, place_id)} {year}年度 共驻共建年末综合考核"
    names = {pid: p.name for pid, p in ev.state.places.items()}
    tables = reports.year_end_tables(result, names)
    subtitle = f"{_place_name(ev, place_id)}，{year}年度，生成于 {format_local(ev.clock.now())}"
    content = reports.xlsx(title, tables) if fmt == "xlsx" else reports.pdf(title, subtitle, tables)
    return _download(content, fmt, title)


@router.get("/reports/stats.{fmt}", summary="统计报表 statistics of a place and period (xlsx | pdf)",
            **allow(*OFFICIALS, place="query:place_id", **file_answers(*MEDIA.values())))
async def stats_report(fmt: str, request: Request, principal: CurrentPrincipal, place_id: str,
                       period: str = "all") -> Response:
    """Key figures of ``place_id`` and its children for ``period`` (all, YYYY or YYYY-MM, local
    calendar), each with its unit, plus a glossary. 404 unknown format or place; 403 outside your places."""
    ev = evaluation(request)
    _check(principal, ev, place_id, fmt)
    queries.check_period(period)
    kind, pid = queries.parse_scope(ev.state, queries.scope_of(ev.state, place_id))
    now = ev.clock.now()
    figures = queries.figures(ev.state, kind, pid or place_id, period, now)
    # A month's report of a street, district or city carries that month's 红黑榜 of its communities.
    board = time_figures.board(ev.state, place_id, period, now) if kind != "community" and "-" in period else None
    tables = reports.stats_tables(figures, queries.children(ev.state, place_id, period, now), board)
    label = "全部" if period == "all" else (format_month(period) if "-" in period else f"{period}年")
    title = f"{_place_name(ev, place_id)} 共驻共建统计（{label}）"
    content = reports.xlsx(title, tables) if fmt == "xlsx" else reports.pdf(title, f"截至 {format_local(now)}", tables)
    return _download(content, fmt, title)


@router.get("/glossary", summary="指标说明 what each figure counts (label, unit, meaning)", **allow(*ANYONE_SIGNED_IN, place="shared", why="glossary"))
async def figures_glossary(principal: CurrentPrincipal) -> dict:
    """``{"figures": [{key, label, unit, meaning, percent}]}`` — the same words as the reports and the dashboard."""
    return {"figures": as_dicts()}


def _check(principal, ev, place_id: str, fmt: str) -> None:
    if fmt not in MEDIA:
        raise Problem(404, "报表格式仅支持 xlsx 与 pdf (format must be xlsx or pdf)", code="bad-format")
    require_role(principal, "city_admin", "district_admin", "community_admin")
    queries.scope_of(ev.state, place_id)
    official_for(principal, ev.state, place_id, "该地点的报表")
