"""Reports a district official downloads: year-end evaluation and statistics, .xlsx or .pdf."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import format_local, format_month

from ...service import queries, reports, yearend
from .access import evaluation, official_for

router = APIRouter(tags=["报表 reports"])
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def _download(content: bytes, fmt: str, filename: str) -> Response:
    return Response(content, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f"attachment; filename=report.{fmt}; filename*=UTF-8''{quote(filename)}.{fmt}"})


def _place_name(ev, place_id: str) -> str:
    place = ev.state.places.get(place_id)
    return place.name if place else place_id


@router.get("/reports/year-end.{fmt}", summary="年末考核报表 year-end evaluation of a place (xlsx | pdf)")
async def year_end_report(fmt: str, request: Request, principal: CurrentPrincipal, place_id: str,
                          year: int = Query(ge=2000, le=2100)) -> Response:
    ev = evaluation(request)
    _check(principal, ev, place_id, fmt)
    result = await yearend.year_end(ev, place_id, year)
    title = f"{_place_name(ev, place_id)} {year}年度 共驻共建年末综合考核"
    tables = reports.year_end_tables(result)
    content = reports.xlsx(title, tables) if fmt == "xlsx" else reports.pdf(title, f"地点 {place_id} · 年度 {year}", tables)
    return _download(content, fmt, title)


@router.get("/reports/stats.{fmt}", summary="统计报表 statistics of a place and period (xlsx | pdf)")
async def stats_report(fmt: str, request: Request, principal: CurrentPrincipal, place_id: str,
                       period: str = "all") -> Response:
    ev = evaluation(request)
    _check(principal, ev, place_id, fmt)
    queries.check_period(period)
    kind, pid = queries.parse_scope(ev.state, queries.scope_of(ev.state, place_id))
    now = ev.clock.now()
    figures = queries.figures(ev.state, kind, pid or place_id, period, now)
    tables = reports.stats_tables(figures, queries.children(ev.state, place_id, period, now))
    label = "全部" if period == "all" else (format_month(period) if "-" in period else f"{period}年")
    title = f"{_place_name(ev, place_id)} 共驻共建统计（{label}）"
    content = reports.xlsx(title, tables) if fmt == "xlsx" else reports.pdf(title, f"截至 {format_local(now)}", tables)
    return _download(content, fmt, title)


def _check(principal, ev, place_id: str, fmt: str) -> None:
    from gongjian_shared.problems import Problem

    if fmt not in MEDIA:
        raise Problem(404, "报表格式仅支持 xlsx 与 pdf (format must be xlsx or pdf)", code="bad-format")
    require_role(principal, "city_admin", "district_admin")
    queries.scope_of(ev.state, place_id)
    official_for(principal, ev.state, place_id, "该地点的报表")
