"""HTTP API of the registry: thin handlers that turn requests into use-case calls."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.privacy import mask_name

from ..domain.members import MemberKind, ReportKind
from ..domain.places import PlaceKind
from ..service import members, places

router = APIRouter()
OFFICIALS = ("city_admin", "district_admin", "community_admin")


class PlaceIn(BaseModel):
    kind: PlaceKind
    name: str = Field(min_length=1, max_length=100)
    parent_id: str | None = None
    id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$", description="可选的地点编号")


class MemberIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    kind: MemberKind = "in_service"
    specialties: list[str] = []
    home_community_id: str | None = None
    work_unit_id: str | None = None


class ReportIn(BaseModel):
    community_id: str
    kind: ReportKind


def _place_view(doc: dict) -> dict:
    return {"id": doc["_id"], "kind": doc["kind"], "name": doc["name"], "parent_id": doc["parent_id"], "path": doc["path"]}


def _member_view(doc: dict) -> dict:
    return {"id": doc["_id"], "name": mask_name(doc["name"]), "kind": doc["kind"], "specialties": doc["specialties"],
            "home_community_id": doc.get("home_community_id"), "work_unit_id": doc.get("work_unit_id"),
            "status": doc.get("status"), "reports": doc.get("reports") or {}}


@router.post("/places", status_code=201, tags=["地点 places"], summary="登记地点 register a place")
async def create_place(body: PlaceIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    doc = await places.create_place(request.app.state.runtime, kind=body.kind, name=body.name,
                                    parent_id=body.parent_id, place_id=body.id, acts_for=principal.acts_for)
    return _place_view(doc)


@router.get("/places/{place_id}", tags=["地点 places"], summary="查看地点 get a place")
async def get_place(place_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    return _place_view(await places.get_place(request.app.state.runtime.db, place_id))


@router.post("/members", status_code=201, tags=["党员 members"], summary="登记党员 register a member")
async def register_member(body: MemberIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    doc = await members.register_member(request.app.state.runtime, name=body.name, kind=body.kind,
                                        specialties=body.specialties, home_community_id=body.home_community_id,
                                        work_unit_id=body.work_unit_id, acts_for=principal.acts_for)
    return _member_view(doc)


@router.get("/members/{member_id}", tags=["党员 members"], summary="查看党员 get a member")
async def get_member(member_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    doc = await members.get_member(request.app.state.runtime.db, member_id)
    if principal.sub != member_id:
        require_role(principal, *OFFICIALS)
    return _member_view(doc)


@router.post("/members/{member_id}/reports", status_code=201, tags=["党员 members"],
             summary="党员到社区报到 a member reports to a community (home or work)")
async def report(member_id: str, body: ReportIn, request: Request, principal: CurrentPrincipal) -> dict:
    is_self = principal.role == "member" and principal.sub == member_id
    if not is_self:
        require_role(principal, *OFFICIALS)
    receipt = await members.report_to_community(request.app.state.runtime, member_id=member_id,
                                                 community_id=body.community_id, kind=body.kind,
                                                 acts_for=principal.acts_for, is_self=is_self)
    return {"member_id": member_id, **receipt}


