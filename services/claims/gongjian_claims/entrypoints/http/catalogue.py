"""HTTP: the managed catalogue (服务清单) and community claim rules (认领规则)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from gongjian_shared.privacy import MaskedName
from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.requests import RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.text import Folded
from pydantic import Field

from ...service import catalogue, rules
from .choices import ClaimantKindIn, ScopeIn
from .common import OFFICIALS, runtime

router = APIRouter()


class ItemIn(RequestModel):
    category: Folded
    name: MaskedName = Field(min_length=1, max_length=100)
    specialty: Folded | None = Field(None, max_length=50, description="通常所需专长（用于精准匹配）")
    claimant_kinds: list[ClaimantKindIn] = Field(default=["member", "unit"], min_length=1)


class ItemPatch(RequestModel):
    name: MaskedName | None = Field(None, min_length=1, max_length=100)
    specialty: Folded | None = None
    claimant_kinds: list[ClaimantKindIn] | None = Field(None, min_length=1)
    active: bool | None = Field(None, description="false：停用（下架）该项目")


class CommunityRulesIn(RequestModel):
    claimant_kinds: list[ClaimantKindIn] | None = Field(None, min_length=1)
    scope: ScopeIn | None = None
    required_specialties: list[Folded] | None = None
    max_open_claims: int | None = Field(None, ge=1, le=1000)
    claim_window_days: float | None = Field(None, gt=0, le=365)
    fulfil_within_days: float | None = Field(None, gt=0, le=365)
    remind_before_hours: float | None = Field(None, ge=0, le=24 * 60)
    escalate_after_hours: float | None = Field(None, ge=0, le=24 * 180)


@router.get("/catalogue", tags=["服务清单 catalogue"], summary="服务清单：5 大类及项目 the catalogue",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="catalogue"))
async def get_catalogue(request: Request, principal: CurrentPrincipal, include_retired: bool = False) -> dict:
    return await catalogue.listing(runtime(request).db, include_retired=include_retired)


@router.post("/catalogue/items", status_code=201, tags=["服务清单 catalogue"], summary="新增项目 add an item (city)",
             **allow("city_admin", place="shared", why="city-admin"))
async def add_item(body: ItemIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin")
    return await catalogue.add_item(runtime(request).db, **body.model_dump())


@router.patch("/catalogue/items/{item_id}", tags=["服务清单 catalogue"], summary="修改或停用项目 change/retire (city)",
              **allow("city_admin", place="shared", why="city-admin"))
async def patch_item(item_id: str, body: ItemPatch, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "city_admin")
    return await catalogue.update_item(runtime(request).db, item_id, body.model_dump(exclude_unset=True))


@router.get("/communities/{community_id}/claim-rules", tags=["认领规则 claim rules"],
            summary="社区认领规则 a community's claim rules", **allow(*ANYONE_SIGNED_IN, place="shared", why="catalogue"))
async def get_rules(community_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    return await rules.show(runtime(request).db, community_id)


@router.put("/communities/{community_id}/claim-rules", tags=["认领规则 claim rules"],
            summary="设置社区认领规则 set a community's claim rules (officials; null clears a rule)",
            **allow(*OFFICIALS, place="path:community_id"))
async def put_rules(community_id: str, body: CommunityRulesIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return await rules.set_rules(runtime(request).db, community_id, body.model_dump(), principal.acts_for)
