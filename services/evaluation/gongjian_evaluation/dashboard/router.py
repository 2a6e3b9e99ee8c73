"""HTTP side of the dashboard: the page, its data, and the SSE stream.

GET /dashboard                 the page (static; it holds no data, so no token needed)
GET /dashboard/api/places      the place tree this official may watch (for the picker)
GET /dashboard/api/overview    key figures, children, health tree and recent activity of a place
GET /dashboard/stream          server-sent events, filtered by place and event type
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import FileResponse
from sse_starlette import EventSourceResponse

from gongjian_shared.access import OFFICIALS, allow, public
from gongjian_shared.auth import Principal
from gongjian_shared.localtime import today as local_today
from gongjian_shared.localtime import zone as local_zone
from gongjian_shared.problems import Problem

from . import positions as pos
from . import shifts, timeliness
from .access import dashboard_principal, place_for, require_official, visible_roots
from .figures import combine, health, snapshot_for
from .filters import BadFilter, Scope, parse_types, scope_of, topics_for
from .hub import DashboardHub
from .stream import StreamRequest, events

STATIC = Path(__file__).parent / "static"
Official = Annotated[Principal, Depends(dashboard_principal)]
router = APIRouter(tags=["大屏 dashboard"])


async def hub_of(request: Request) -> DashboardHub:
    hub: DashboardHub = request.app.state.dashboard_hub
    if not await hub.ready():
        raise Problem(503, "大屏数据正在加载，请稍后重试 (dashboard still loading)", code="dashboard-loading")
    return hub


Hub = Annotated[DashboardHub, Depends(hub_of)]


@router.get("/dashboard", include_in_schema=False, **public(why="静态页面，不含数据 the static page holds no data"))
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.get("/dashboard/api/places", summary="可查看的地点树 places this official may watch",
            **allow(*OFFICIALS, place="own", principal=dashboard_principal))
async def places(principal: Official, hub: Hub) -> dict[str, Any]:
    roots = visible_roots(principal, hub.places)
    return {"roots": [hub.places.tree(p.id, depth=3 - min(len(p.path) - 1, 3)) for p in roots]}


def _node(hub: DashboardHub, place_id: str, depth: int) -> dict[str, Any]:
    place = hub.places.get(place_id)
    assert place is not None
    children = [_node(hub, c.id, depth - 1) for c in hub.places.children(place_id)] if depth > 0 else []
    stats = snapshot_for(hub.snapshots, place.id, place.kind) or combine([c["stats"] for c in children])
    node = {"id": place.id, "name": place.name, "kind": place.kind, "stats": stats, "health": health(stats)}
    if depth > 0:
        node["children"] = children
    return node


@router.get("/dashboard/api/overview", summary="地点概况 key figures, children, health tree, recent activity",
            **allow(*OFFICIALS, place="query:place", principal=dashboard_principal))
async def overview(principal: Official, hub: Hub,
                   place: Annotated[str, Query(description="地点编号 place id")],
                   month: Annotated[str | None, Query(title="月份", description="诉求时效的月份 YYYY-MM（本地）；缺省为最近一月")] = None,
                   ) -> dict[str, Any]:
    target = place_for(principal, hub.places, place)
    tree = _node(hub, target.id, depth=3)
    communities = {c.id for c in hub.places.descendants(target.id, "community")}
    names = {c: hub.places.get(c).name for c in communities}  # type: ignore[union-attr]
    today = local_today()
    return {
        "place": {"id": target.id, "name": target.name, "kind": target.kind, "path": target.path,
                  "path_names": hub.places.names(target.path)},
        "stats": tree["stats"],
        "health": tree["health"],
        "children": [{k: c[k] for k in ("id", "name", "kind", "stats", "health")} for c in tree.get("children", [])],
        "communities": [{"id": c["id"], "name": c["name"], "stats": c["stats"], "health": c["health"]}
                        for c in _communities(tree)],
        "tree": tree,
        "activity": hub.activity.summary(communities, today, names),
        "timeliness": timeliness.panel(tree["stats"], [{"id": c["id"], "name": c["name"], "stats": c["stats"]}
                                                       for c in _communities(tree)], month),
        "shifts": shifts.panel(tree["stats"], [{"id": c["id"], "name": c["name"], "stats": c["stats"]}
                                               for c in _communities(tree)], month),
        "version": hub.version,
        "timezone": local_zone().key,  # the page shows times in the deployment's zone, whatever the browser's
    }


def _communities(node: dict[str, Any]) -> list[dict[str, Any]]:
    if node["kind"] == "community":
        return [node]
    return [c for child in node.get("children", []) for c in _communities(child)]


@router.get(
    "/dashboard/stream",
    summary="实时事件流 live events (SSE), filtered by place and type",
    description="Server-sent events; each `id` is the Kafka position vector (resume with `Last-Event-ID`). "
                "See gongjian_evaluation/dashboard/README.md.",
    response_class=EventSourceResponse,
    **allow(*OFFICIALS, place="query:place", principal=dashboard_principal),
)
async def stream(
    request: Request,
    principal: Official,
    hub: Hub,
    place: Annotated[str | None, Query(description="地点编号；省略为您管辖的全部地点 (default: all yours)")] = None,
    types: Annotated[str | None, Query(description="事件类型，逗号分隔，可用前缀 demand.* (event types)")] = None,
    last: Annotated[int, Query(ge=0, le=1000, description="新连接先回放每个分区最近 N 条 (replay N)")] = 0,
    last_event_id: Annotated[str | None, Query(description="同 Last-Event-ID 请求头 (resume position)")] = None,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> EventSourceResponse:
    scope = _scope(principal, hub, place)
    try:
        patterns = parse_types(types)
        raw_id = last_event_id_header or last_event_id
        resume = pos.decode(raw_id) if raw_id else None
    except (BadFilter, pos.BadEventId) as exc:
        raise Problem(400, str(exc), code="bad-stream-request") from exc
    req = StreamRequest(topics=topics_for(patterns), patterns=patterns, scope=scope, resume=resume, last=last)
    settings = request.app.state.settings
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **_cors(request)}
    return EventSourceResponse(events(settings, req, hub.places.path_of), ping=10, headers=headers)


def _cors(request: Request) -> dict[str, str]:
    """Other dashboards' pages may read the stream from their own origin, if the operator lists it.

    EventSource sends a simple GET (the token rides in the query), so no preflight is needed.
    """
    allowed = [o.strip() for o in os.environ.get("GONGJIAN_DASHBOARD_ORIGINS", "").split(",") if o.strip()]
    origin = request.headers.get("origin")
    if origin and ("*" in allowed or origin in allowed):
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


def _scope(principal: Principal, hub: DashboardHub, place: str | None) -> Scope:
    if place:
        target = place_for(principal, hub.places, place)
        return scope_of([target.id], hub.places.path_of)
    require_official(principal)
    if principal.role == "city_admin":
        return Scope(frozenset(), citywide=True, everything=True)
    return scope_of(principal.places, hub.places.path_of)
