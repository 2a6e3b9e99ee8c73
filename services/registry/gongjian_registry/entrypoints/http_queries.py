"""HTTP: staff queries, the specialty list, volunteer teams (包保 pairings: http_assignments.py)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.answers import PAGED_LIST
from gongjian_shared.privacy import MaskedName
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.text import Folded

from ..adapters.store import SPECIALTIES
from ..domain.members import MemberKindIn
from ..service import members, places, queries, teams
from .access import MANAGERS, READERS, need_place, need_role
from .views import member_row_view

router = APIRouter()


@router.get("/communities/{community_id}/members", tags=["查询 queries"],
            summary="社区党员名单 members of a community (filter by kind, specialty, grid, reported)",
            **allow(*READERS, place="path:community_id"))
async def community_members(community_id: str, request: Request, principal: CurrentPrincipal,
                            kind: MemberKindIn | None = None, specialty: str | None = None, grid_id: str | None = None,
                            reported: bool | None = None, report_kind: Literal["home", "work"] | None = None,
                            q: Folded | None = Query(None, max_length=20, title="姓名关键字"),
                            limit: int | None = Query(None, ge=1, le=500), offset: Offset = 0) -> dict:
    """``{community_id, count: all matching, members: [rows]}``; ``limit``/``offset`` give one page (the console);
    ``q`` keeps those whose name holds it (the console's name picker; rows keep masked names, /names gives
    the full ones to officials of the place)."""
    db = request.app.state.runtime.db
    await need_place(db, principal, community_id, READERS, "查看社区党员")
    total, page = await queries.community_members(db, community_id, kind=kind, specialty=specialty, grid_id=grid_id,
                                                  reported=reported, report_kind=report_kind, name=q, limit=limit,
                                                  offset=offset)
    return {"community_id": community_id, "count": total, "members": [member_row_view(d) for d in page]}


@router.get("/stats/reporting", tags=["查询 queries"], summary="报到率（按社区、街道） reporting rate per community and street",
            **allow(*READERS, place="query:place_id"))
async def reporting_rates(request: Request, principal: CurrentPrincipal, place_id: str | None = None) -> dict:
    db = request.app.state.runtime.db
    need_role(principal, READERS, "查看报到率")
    if place_id:
        await need_place(db, principal, place_id, READERS, "查看报到率")
    scope = [place_id] if place_id else (None if principal.role == "city_admin" else principal.places)
    return await queries.reporting_rates(db, await places.all_places(db), scope)


@router.get("/specialties", tags=["专长 specialties"], summary="专长目录 the managed list of specialties",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="catalogue"))
async def list_specialties(request: Request, principal: CurrentPrincipal) -> list[str]:
    return sorted(await members.managed_specialties(request.app.state.runtime.db))


class SpecialtyIn(RequestModel):
    name: Folded = Field(min_length=1, max_length=20, pattern=r"^[^、,，;；/\s]+$")


@router.post("/specialties", status_code=201, tags=["专长 specialties"], summary="新增专长 add a specialty (city)",
             **allow("city_admin", place="shared", why="city-admin"))
async def add_specialty(body: SpecialtyIn, request: Request, principal: CurrentPrincipal) -> list[str]:
    need_role(principal, ("city_admin",), "维护专长目录")
    await request.app.state.runtime.db[SPECIALTIES].update_one({"_id": body.name}, {"$set": {"by": principal.sub}}, upsert=True)
    return sorted(await members.managed_specialties(request.app.state.runtime.db))


class TeamIn(RequestModel):
    name: MaskedName = Field(min_length=1, max_length=50)
    specialty: Folded
    community_id: Folded


class TeamMemberIn(RequestModel):
    member_id: Folded


def _team_view(t: dict) -> dict:
    return {"id": t["_id"], "name": t["name"], "specialty": t["specialty"], "community_id": t["community_id"],
            "members": sorted(t.get("members", {})), "size": len(t.get("members", {}))}


@router.post("/teams", status_code=201, tags=["志愿服务队 teams"], summary="组建志愿服务队 create a volunteer team",
             **allow(*MANAGERS, place="body:community_id"))
async def create_team(body: TeamIn, request: Request, principal: CurrentPrincipal) -> dict:
    db = request.app.state.runtime.db
    community = await need_place(db, principal, body.community_id, MANAGERS, "组建服务队")
    return _team_view(await teams.create_team(db, name=body.name, specialty=body.specialty, community=community,
                                              by=principal.sub))


@router.post("/teams/{team_id}/members", tags=["志愿服务队 teams"], summary="加入服务队 add a member (by specialty)",
             **allow("member", *MANAGERS, place="own|object"))
async def add_team_member(team_id: str, body: TeamMemberIn, request: Request, principal: CurrentPrincipal) -> dict:
    db = request.app.state.runtime.db
    team = await teams.get_team(db, team_id)
    if not (principal.role == "member" and principal.sub == body.member_id):
        await need_place(db, principal, team["community_id"], MANAGERS, "管理服务队")
    return _team_view(await teams.add_to_team(db, team, await members.get_member(db, body.member_id)))


@router.get("/teams", tags=["志愿服务队 teams"], summary="服务队列表 teams of a community, by specialty",
            **allow(*READERS, place="query:community_id", **PAGED_LIST))
async def list_teams(request: Request, response: Response, principal: CurrentPrincipal, community_id: str,
                     specialty: str | None = None, limit: int | None = Query(None, ge=1, le=500),
                     offset: Offset = 0) -> list[dict]:
    """The community's teams by id; ``limit``/``offset`` give one page (paged in the query), the header
    ``X-Total-Count`` how many there are over all pages."""
    db = request.app.state.runtime.db
    await need_place(db, principal, community_id, READERS, "查看服务队")
    response.headers["X-Total-Count"] = str(await teams.count_teams(db, community_id, specialty))
    return [_team_view(t) for t in await teams.teams_of(db, community_id, specialty, limit=limit, offset=offset)]
