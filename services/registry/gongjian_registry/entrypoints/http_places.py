"""HTTP: the place tree (地点), its party organisations, leaders and history."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import Field

from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.privacy import FreeText, MaskedName
from gongjian_shared.requests import RequestModel
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.text import Folded

from ..domain.places import PlaceKindIn
from ..service import places
from .access import PLACE_ADMINS, READERS, need_place, need_role
from .views import place_view

router = APIRouter(tags=["地点 places"])


class LeaderIn(RequestModel):
    name: MaskedName = Field(min_length=1, max_length=50)
    member_id: Folded | None = None
    title: FreeText | None = Field(None, max_length=30, description="默认：网格长 / 楼栋党小组组长 …")


class PlaceIn(RequestModel):
    kind: PlaceKindIn
    name: MaskedName = Field(min_length=1, max_length=100)
    parent_id: Folded | None = None
    id: Folded | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$", description="可选的地点编号")
    party_org: FreeText | None = Field(None, max_length=100, description="党组织名称（默认按层级：网格党支部、楼栋党小组…）")
    leader: LeaderIn | None = None


class PlaceChange(RequestModel):
    name: MaskedName | None = Field(None, min_length=1, max_length=100)
    parent_id: Folded | None = Field(None, description="移到新的上级地点 (move)")
    party_org: FreeText | None = Field(None, max_length=100)
    leader: LeaderIn | None = None


@router.post("/places", status_code=201, summary="登记地点 register a place",
             **allow(*PLACE_ADMINS, place="body:parent_id"))
async def create_place(body: PlaceIn, request: Request, principal: CurrentPrincipal) -> dict:
    need_role(principal, PLACE_ADMINS, "登记地点")
    doc = await places.create_place(request.app.state.runtime, kind=body.kind, name=body.name, parent_id=body.parent_id,
                                    place_id=body.id, acts_for=principal.acts_for, party_org=body.party_org,
                                    leader=body.leader.model_dump() if body.leader else None)
    return place_view(doc)


@router.get("/places", summary="下级地点列表 list children of a place (parent_id empty = cities)",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="place-tree"))
async def list_places(request: Request, principal: CurrentPrincipal, parent_id: str | None = None,
                      kind: PlaceKindIn | None = None) -> list[dict]:
    need_role(principal, (*READERS, "unit_admin", "member", "resident"), "查看地点")
    return [place_view(d) for d in await places.children(request.app.state.runtime.db, parent_id, kind)]


@router.get("/places/{place_id}", summary="查看地点 get a place",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="place-tree"))
async def get_place(place_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    return place_view(await places.get_place(request.app.state.runtime.db, place_id))


@router.patch("/places/{place_id}", summary="改名、移动、党组织与负责人 rename, move, party organisation, leader",
              **allow(*PLACE_ADMINS, place="path:place_id"))
async def change_place(place_id: str, body: PlaceChange, request: Request, principal: CurrentPrincipal) -> dict:
    need_role(principal, PLACE_ADMINS, "修改地点")
    doc = await places.update_place(request.app.state.runtime, place_id, by=principal.sub, acts_for=principal.acts_for,
                                    name=body.name, parent_id=body.parent_id, party_org=body.party_org,
                                    leader=body.leader.model_dump() if body.leader else None)
    return place_view(doc)


@router.get("/places/{place_id}/history", summary="地点变更历史 history of a place", **allow(*READERS, place="path:place_id"))
async def place_history(place_id: str, request: Request, principal: CurrentPrincipal) -> list[dict]:
    place = await need_place(request.app.state.runtime.db, principal, place_id, READERS, "查看地点历史")
    return place.get("history", [])
