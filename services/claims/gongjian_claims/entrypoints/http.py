"""HTTP API of claims: thin handlers over the demand use cases."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.problems import Problem

from ..domain.demands import CATEGORIES, ClaimantKind
from ..service import demands

router = APIRouter(tags=["需求认领 demands"])
OFFICIALS = ("city_admin", "district_admin", "community_admin")


class DemandIn(BaseModel):
    community_id: str
    category: str = Field(description="类别：" + "、".join(CATEGORIES))
    item: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    capacity: int = Field(ge=1, le=10000, description="认领名额")
    claimant_kinds: list[ClaimantKind] = Field(default=["member"], min_length=1)
    claim_deadline: datetime | None = None
    due_at: datetime | None = None


class FulfilmentIn(BaseModel):
    hours: float = Field(gt=0, le=24 * 31, description="服务时长（小时）")
    note: str = Field("", max_length=2000)


class VerificationIn(BaseModel):
    approved: bool
    reason: str | None = Field(None, max_length=500)


def _view(doc: dict) -> dict:
    keep = ("community_id", "category", "item", "title", "description", "capacity", "claimant_kinds",
            "claim_deadline", "due_at", "status", "slots_left")
    return {"id": doc["_id"], **{k: doc.get(k) for k in keep}, "claims": list(doc.get("claims", {}).values())}


def _claimant_kind(role: str) -> str:
    return "unit" if role == "unit_admin" else "member"


@router.post("/demands", status_code=201, summary="发布需求 publish a demand")
async def publish(body: DemandIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    if body.category not in CATEGORIES:
        raise Problem(422, f"未知的需求类别：{body.category}；可选：{'、'.join(CATEGORIES)}", code="unknown-category")
    spec = body.model_dump(mode="json")
    return _view(await demands.publish_demand(request.app.state.runtime, spec=spec, acts_for=principal.acts_for))


@router.get("/demands/{demand_id}", summary="查看需求 get a demand")
async def get(demand_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    return _view(await demands.get_demand(request.app.state.runtime.db, demand_id))


@router.post("/demands/{demand_id}/claims", status_code=201,
             summary="认领需求 claim a demand (201; 409 when full or already claimed; 403 when not eligible)")
async def claim(demand_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "member", "unit_admin")
    return await demands.claim_demand(request.app.state.runtime, demand_id=demand_id,
                                      claimant_id=_claimant_id(principal),
                                      claimant_kind=_claimant_kind(principal.role))


def _claimant_id(principal: CurrentPrincipal) -> str:
    return principal.sub if principal.role == "member" else (principal.places[0] if principal.places else "")


@router.post("/demands/{demand_id}/claims/{claim_id}/release", summary="撤回认领 release a claim")
async def release(demand_id: str, claim_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "member", "unit_admin")
    return await demands.release_claim(request.app.state.runtime, demand_id=demand_id, claim_id=claim_id,
                                       claimant_id=_claimant_id(principal))


@router.post("/demands/{demand_id}/claims/{claim_id}/fulfilment", summary="登记服务与时长 record fulfilment")
async def fulfil(demand_id: str, claim_id: str, body: FulfilmentIn, request: Request,
                 principal: CurrentPrincipal) -> dict:
    require_role(principal, "member", "unit_admin")
    return await demands.record_fulfilment(request.app.state.runtime, demand_id=demand_id, claim_id=claim_id,
                                           claimant_id=_claimant_id(principal), hours=body.hours, note=body.note)


@router.post("/demands/{demand_id}/claims/{claim_id}/verification", summary="社区核验 verify fulfilment")
async def verify(demand_id: str, claim_id: str, body: VerificationIn, request: Request,
                 principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return await demands.verify_fulfilment(request.app.state.runtime, demand_id=demand_id, claim_id=claim_id,
                                           approved=body.approved, reason=body.reason, acts_for=principal.acts_for)
