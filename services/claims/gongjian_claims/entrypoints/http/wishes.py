"""HTTP: micro-wishes (微心愿) — post, approve/reject, claim, confirm."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import allow
from gongjian_shared.ratelimit import RATE_LIMITED, limited
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import Deadline
from gongjian_shared.text import Folded
from pydantic import Field

from ...service import claiming, demands, wishes
from .common import CLAIMANT_ROLES, OFFICIALS, acts_for_place, claimant, outside, runtime

router = APIRouter(tags=["微心愿 wishes"])


class WishIn(RequestModel):
    community_id: Folded
    title: FreeText = Field(min_length=1, max_length=100, description="心愿（如：给孙子买一套课外书）")
    description: FreeText = Field("", max_length=2000)


class DecisionIn(RequestModel):
    approved: bool
    reason: FreeText | None = Field(None, max_length=500, description="驳回原因（驳回时必填）")
    due_at: Deadline | None = Field(None, description="圆梦期限（督办依据；只给日期即当日结束）")


class ConfirmIn(RequestModel):
    claim_id: Folded
    satisfied: bool = True
    comment: FreeText = Field("", max_length=1000)


@router.post("/wishes", status_code=201, summary="提交微心愿 post a wish (resident of the community)",
             **allow("resident", place="body:community_id", dependencies=[limited("post")], responses=RATE_LIMITED))
async def post(body: WishIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "resident")
    doc = await wishes.post_wish(runtime(request), community_id=body.community_id, title=body.title,
                                 description=body.description, poster_id=principal.sub, acts_for=principal.acts_for)
    return wishes.view(doc)


@router.get("/wishes", summary="微心愿列表 list wishes (by place and status)",
            **allow("resident", *OFFICIALS, place="own|object"))
async def list_wishes(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                      status: str | None = None, limit: int = Query(50, ge=1, le=500), offset: Offset = 0) -> dict:
    if principal.role == "resident":
        query: dict | None = {"poster_id": principal.sub}
    elif place_id:
        if not await acts_for_place(request, principal, place_id):
            raise outside("该地点的微心愿")
        query = None
    else:
        query = None if principal.role == "city_admin" else {"path": {"$in": principal.places}}
    return await demands.listing(runtime(request).db, place_id=place_id, kinds=["wish"], status=status,
                                 query=query, limit=limit, offset=offset)


@router.get("/wishes/{wish_id}", summary="查看微心愿 get a wish", **allow("resident", *OFFICIALS, place="own|object"))
async def get(wish_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    db = runtime(request).db
    wish = await wishes.get_wish(db, wish_id)
    if not wishes.may_see(wish, principal):
        raise outside("该微心愿")
    # The resident's page shows when it was posted and whether 解决了吗 is still to answer.
    answer = {k: wish.get(k) for k in ("posted_at", "answer", "answered_round", "reopen_count", "reopened_at")}
    return {**await demands.full_view(db, wish), **answer, "wish_id": wish_id}


@router.post("/wishes/{wish_id}/decision", summary="审核微心愿：通过或驳回（须说明原因） approve or reject (officials)",
             **allow(*OFFICIALS, place="object"))
async def decide(wish_id: str, body: DecisionIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    doc = await wishes.decide(runtime(request), wish_id=wish_id, approved=body.approved, reason=body.reason,
                              due_at=body.due_at, acts_for=principal.acts_for)
    return wishes.view(doc)


@router.post("/wishes/{wish_id}/claims", status_code=201, summary="认领微心愿 claim a wish (member)",
             **allow(*CLAIMANT_ROLES, place="object", dependencies=[limited("claim")], responses=RATE_LIMITED))
async def claim(wish_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    await wishes.get_wish(runtime(request).db, wish_id)
    claimant_id, kind = await claimant(request, principal)
    return await claiming.claim_demand(runtime(request), demand_id=wish_id, claimant_id=claimant_id,
                                       claimant_kind=kind)


@router.post("/wishes/{wish_id}/confirmation",
             summary="居民确认心愿达成（或说明未达成） the resident confirms (or officials on their behalf)",
             **allow("resident", *OFFICIALS, place="own|object"))
async def confirm(wish_id: str, body: ConfirmIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "resident", *OFFICIALS)
    return await wishes.confirm(runtime(request), wish_id=wish_id, claim_id=body.claim_id, satisfied=body.satisfied,
                                comment=body.comment, confirmer_id=principal.sub,
                                is_official=principal.role in OFFICIALS, acts_for=principal.acts_for)
