"""HTTP: micro-wishes (微心愿) — post, approve/reject, claim, confirm."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import Deadline
from gongjian_shared.text import Folded, Trimmed
from pydantic import BaseModel, Field

from ...service import claiming, demands, wishes
from .common import CLAIMANT_ROLES, OFFICIALS, claimant, runtime

router = APIRouter(tags=["微心愿 wishes"])


class WishIn(BaseModel):
    community_id: Folded
    title: Trimmed = Field(min_length=1, max_length=100, description="心愿（如：给孙子买一套课外书）")
    description: Trimmed = Field("", max_length=2000)


class DecisionIn(BaseModel):
    approved: bool
    reason: Trimmed | None = Field(None, max_length=500, description="驳回原因（驳回时必填）")
    due_at: Deadline | None = Field(None, description="圆梦期限（督办依据；只给日期即当日结束）")


class ConfirmIn(BaseModel):
    claim_id: Folded
    satisfied: bool = True
    comment: Trimmed = Field("", max_length=1000)


@router.post("/wishes", status_code=201, summary="提交微心愿 post a wish (resident of the community)")
async def post(body: WishIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "resident")
    doc = await wishes.post_wish(runtime(request), community_id=body.community_id, title=body.title,
                                 description=body.description, poster_id=principal.sub, acts_for=principal.acts_for)
    return wishes.view(doc)


@router.get("/wishes", summary="微心愿列表 list wishes (by place and status)")
async def list_wishes(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                      status: str | None = None, limit: int = Query(50, ge=1, le=500)) -> dict:
    query = {"poster_id": principal.sub} if principal.role == "resident" else None
    return await demands.listing(runtime(request).db, place_id=place_id, kinds=["wish"], status=status,
                                 query=query, limit=limit)


@router.get("/wishes/{wish_id}", summary="查看微心愿 get a wish")
async def get(wish_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    db = runtime(request).db
    return {**await demands.full_view(db, await wishes.get_wish(db, wish_id)), "wish_id": wish_id}


@router.post("/wishes/{wish_id}/decision", summary="审核微心愿：通过或驳回（须说明原因） approve or reject (officials)")
async def decide(wish_id: str, body: DecisionIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    doc = await wishes.decide(runtime(request), wish_id=wish_id, approved=body.approved, reason=body.reason,
                              due_at=body.due_at, acts_for=principal.acts_for)
    return wishes.view(doc)


@router.post("/wishes/{wish_id}/claims", status_code=201, summary="认领微心愿 claim a wish (member)")
async def claim(wish_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    await wishes.get_wish(runtime(request).db, wish_id)
    claimant_id, kind = await claimant(request, principal)
    return await claiming.claim_demand(runtime(request), demand_id=wish_id, claimant_id=claimant_id,
                                       claimant_kind=kind)


@router.post("/wishes/{wish_id}/confirmation",
             summary="居民确认心愿达成（或说明未达成） the resident confirms (or officials on their behalf)")
async def confirm(wish_id: str, body: ConfirmIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "resident", *OFFICIALS)
    return await wishes.confirm(runtime(request), wish_id=wish_id, claim_id=body.claim_id, satisfied=body.satisfied,
                                comment=body.comment, confirmer_id=principal.sub,
                                is_official=principal.role in OFFICIALS, acts_for=principal.acts_for)
