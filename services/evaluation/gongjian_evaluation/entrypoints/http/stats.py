"""Statistics, the place tree with health, leaderboards and alerts: the dashboard's read API."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import OFFICIALS, allow
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.localtime import rfc3339
from gongjian_shared.requests import Offset

from ...service import queries
from .access import evaluation, official_for

router = APIRouter(tags=["统计 stats"])
PERIOD = Query("all", description="all | YYYY | YYYY-MM")
STATS_PERIOD = Query("all", description="all | YYYY | YYYY-Qn (local quarter) | YYYY-MM")


@router.get("/stats/{scope}", summary="某范围的统计 stats of a scope: city | district:<id> | street:<id> | community:<id>",
            **allow(*OFFICIALS, place="path:scope"))
async def stats_of_scope(scope: str, request: Request, principal: CurrentPrincipal, period: str = STATS_PERIOD) -> dict:
    ev = evaluation(request)
    kind, place_id = queries.parse_scope(ev.state, scope)
    official_for(principal, ev.state, place_id, "该范围的统计")
    figures = queries.figures(ev.state, kind, place_id, queries.check_period(period, quarters=True), ev.clock.now(),
                              ev.config.get("health"))
    return figures | {"as_of": rfc3339(ev.clock.now())}


@router.get("/places/{place_id}/stats", summary="某地点的统计 stats of a place (by place id)",
            **allow(*OFFICIALS, place="path:place_id"))
async def stats_of_place(place_id: str, request: Request, principal: CurrentPrincipal,
                         period: str = STATS_PERIOD) -> dict:
    ev = evaluation(request)
    return await stats_of_scope(queries.scope_of(ev.state, place_id), request, principal, period)


@router.get("/places/{place_id}/children", summary="下级地点及其统计与健康度 children of a place with stats and health",
            **allow(*OFFICIALS, place="path:place_id"))
async def children(place_id: str, request: Request, principal: CurrentPrincipal, period: str = STATS_PERIOD) -> dict:
    ev = evaluation(request)
    queries.scope_of(ev.state, place_id)
    official_for(principal, ev.state, place_id, "该地点")
    rows = queries.children(ev.state, place_id, queries.check_period(period, quarters=True), ev.clock.now(),
                            ev.config.get("health"))
    return {"place_id": place_id, "period": period, "children": rows}


@router.get("/leaderboards/points", summary="积分排行 points leaderboard of a place and period",
            **allow(*OFFICIALS, place="query:place_id"))
async def points_leaderboard(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                             period: str = PERIOD, holder_kind: str | None = Query(None, pattern="^(member|unit)$"),
                             limit: int = Query(20, ge=1, le=500)) -> dict:
    ev = evaluation(request)
    if place_id:
        queries.scope_of(ev.state, place_id)
    official_for(principal, ev.state, place_id, "该排行")
    rows = queries.points_leaderboard(ev.state, place_id, queries.check_period(period), holder_kind, limit)
    await ev.named(rows, request.headers.get("authorization"))
    return {"place_id": place_id, "period": period, "holder_kind": holder_kind, "rows": rows}


@router.get("/leaderboards/places", summary="地点排行 children of a place ranked by a statistic",
            **allow(*OFFICIALS, place="query:parent_id"))
async def places_leaderboard(request: Request, principal: CurrentPrincipal, parent_id: str,
                             metric: str = "hours_served", period: str = PERIOD,
                             limit: int = Query(20, ge=1, le=500)) -> dict:
    ev = evaluation(request)
    queries.scope_of(ev.state, parent_id)
    official_for(principal, ev.state, parent_id, "该排行")
    rows = queries.places_leaderboard(ev.state, parent_id, metric, queries.check_period(period), ev.clock.now(), limit)
    return {"parent_id": parent_id, "metric": metric, "period": period, "rows": rows}


@router.get("/alerts", summary="最近预警 recent alerts (member_inactive, unit_interview) in a place",
            **allow(*OFFICIALS, place="query:place_id"))
async def alerts(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                 status: str | None = Query(None, pattern="^(open|cleared)$"),
                 kind: str | None = Query(None, pattern="^(member_inactive|unit_interview)$"),
                 limit: int = Query(50, ge=1, le=500), offset: Offset = 0) -> dict:
    """``{place_id, total, alerts: [one page, newest raised first]}``, paged in the query; an
    official other than the city's sees only alerts under their own places."""
    ev = evaluation(request)
    official_for(principal, ev.state, place_id, "预警")
    within = None if principal.role == "city_admin" else list(principal.places)
    total, mine = await ev.alerts.recent(place_id=place_id, within=within, status=status, kind=kind,
                                         limit=limit, offset=offset)
    for row in mine:  # the subject (member or unit) and the place by name, as officials read them
        holder = ev.state.holders.get(row.get("subject_id"))
        place = ev.state.places.get(row.get("place_id"))
        row["name"], row["place_name"] = (holder.name if holder else None), (place.name if place else None)
    await ev.named(mine, request.headers.get("authorization"), key="subject_id")
    return {"place_id": place_id, "total": total, "alerts": mine}
