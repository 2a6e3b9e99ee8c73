"""HTTP: demands and positions (需求清单, 服务岗位), claims, fulfilment, verification, closing, rating."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.ratelimit import RATE_LIMITED, limited
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import Deadline, StartTime
from gongjian_shared.text import Folded
from gongjian_shared.problems import Problem
from pydantic import Field

from ...domain.catalogue import CATEGORIES
from ...service import claiming, demands, fulfilment, wishes
from ...service import release as giving_back
from ...service.common import get_demand
from .choices import ClaimantKindIn, DemandKindIn, ScopeIn
from .common import CLAIMANT_ROLES, OFFICIALS, claimant, runtime

router = APIRouter(tags=["需求与认领 demands & claims"])


class RuleOverrides(RequestModel):
    claimant_kinds: list[ClaimantKindIn] | None = Field(None, min_length=1, description="谁可认领：member / unit")
    scope: ScopeIn | None = Field(None, description="community：须到本社区报到；street：本街道任一社区报到即可")
    required_specialties: list[Folded] | None = Field(None, description="所需专长（具备其一即可）")
    max_open_claims: int | None = Field(None, ge=1, le=1000, description="每人（每单位）同时未办结认领上限")
    remind_before_hours: float | None = Field(None, ge=0, le=24 * 60)
    escalate_after_hours: float | None = Field(None, ge=0, le=24 * 180)


class DemandIn(RuleOverrides):
    community_id: Folded
    kind: DemandKindIn = Field("need", description="need 需求；position 服务岗位")
    category: Folded = Field(description="类别：" + "、".join(CATEGORIES))
    item: Folded = Field(min_length=1, max_length=100, description="服务清单项目（名称或编号）")
    title: FreeText = Field(min_length=1, max_length=200)
    description: FreeText = Field("", max_length=4000)
    capacity: int = Field(ge=1, le=10000, description="认领名额")
    claim_opens_at: StartTime | None = Field(None, description="开始认领（不带时区按本地时间；只给日期即当日零点）")
    claim_deadline: Deadline | None = Field(None, description="认领截止（只给日期即当日结束）")
    due_at: Deadline | None = Field(None, description="完成期限（督办依据；不带时区按本地时间，只给日期即当日结束）")
    period_start: StartTime | None = Field(None, description="岗位开始（服务岗位；只给日期即当日零点）")
    period_end: Deadline | None = Field(None, description="岗位结束（服务岗位；只给日期即当日结束）")


class FulfilmentIn(RequestModel):
    hours: float = Field(gt=0, le=24 * 31, description="服务时长（小时）")
    note: FreeText = Field("", max_length=2000)
    beneficiaries: int = Field(0, ge=0, le=1_000_000, description="受益群众人次")


class VerificationIn(RequestModel):
    approved: bool
    reason: FreeText | None = Field(None, max_length=500, description="退回原因（退回时必填）")


class RatingIn(RequestModel):
    score: int = Field(ge=1, le=5)
    comment: FreeText = Field("", max_length=1000)


async def _publish(body: DemandIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    if body.kind == "position" and body.period_end is None:
        raise Problem(422, "服务岗位须注明岗位期限 period_end (a position needs a period)", code="bad-period")
    spec = body.model_dump()
    return demands.view(await demands.publish(runtime(request), spec, acts_for=principal.acts_for))


@router.post("/demands", status_code=201, summary="发布需求或服务岗位 publish a demand (officials of the community)",
             **allow(*OFFICIALS, place="body:community_id"))
async def publish(body: DemandIn, request: Request, principal: CurrentPrincipal) -> dict:
    return await _publish(body, request, principal)


@router.get("/demands", summary="需求列表 list demands (filter by place, kind, status, category)",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published"))
async def list_demands(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                       kind: str | None = None, status: str | None = None, category: str | None = None,
                       limit: int = Query(50, ge=1, le=500), offset: Offset = 0) -> dict:
    if status in wishes.UNPUBLISHED:  # a wish under review is its poster's and the community's (GET /wishes)
        return {"total": 0, "items": []}
    return await demands.listing(runtime(request).db, place_id=place_id, kinds=[kind] if kind else None,
                                 status=status, category=category, limit=limit, offset=offset,
                                 hidden=tuple(wishes.UNPUBLISHED))


@router.get("/demands/{demand_id}", summary="查看需求 get a demand",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published"))
async def get(demand_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    db = runtime(request).db
    demand = await get_demand(db, demand_id)
    if demand.get("kind") == "wish" and demand.get("status") in wishes.UNPUBLISHED and \
            not wishes.may_see(demand, principal):
        raise Problem(404, f"需求不存在：{demand_id} (unknown demand)", code="unknown-demand")
    return await demands.full_view(db, demand)


@router.post("/demands/{demand_id}/claims", status_code=201,
             summary="认领 claim (member/unit_admin): 201; 409 full / already claimed / limit; 403 not eligible",
             **allow(*CLAIMANT_ROLES, place="object", dependencies=[limited("claim")], responses=RATE_LIMITED))
async def claim(demand_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    claimant_id, kind = await claimant(request, principal)
    return await claiming.claim_demand(runtime(request), demand_id=demand_id, claimant_id=claimant_id,
                                       claimant_kind=kind)


@router.post("/demands/{demand_id}/claims/{claim_id}/release", summary="撤回认领 release a claim (the claimant)",
             **allow(*CLAIMANT_ROLES, place="own"))
async def release(demand_id: str, claim_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    claimant_id, _ = await claimant(request, principal)
    return await giving_back.release_by_claimant(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                                 claimant_id=claimant_id)


@router.post("/demands/{demand_id}/claims/{claim_id}/fulfilment",
             summary="登记服务时长与受益人次 record fulfilment (the claimant)", **allow(*CLAIMANT_ROLES, place="own"))
async def fulfil(demand_id: str, claim_id: str, body: FulfilmentIn, request: Request,
                 principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    claimant_id, _ = await claimant(request, principal)
    return await fulfilment.record_fulfilment(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                              claimant_id=claimant_id, hours=body.hours, note=body.note,
                                              beneficiaries=body.beneficiaries)


@router.post("/demands/{demand_id}/claims/{claim_id}/verification",
             summary="社区核验：通过或退回（须说明原因） verify or send back (officials of the community)",
             **allow(*OFFICIALS, place="object"))
async def verify(demand_id: str, claim_id: str, body: VerificationIn, request: Request,
                 principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return await fulfilment.verify_fulfilment(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                              approved=body.approved, reason=body.reason,
                                              acts_for=principal.acts_for)


@router.post("/demands/{demand_id}/closure", summary="销号办结 close a demand (officials of the community)",
             **allow(*OFFICIALS, place="object"))
async def close(demand_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return demands.view(await fulfilment.close_demand(runtime(request), demand_id=demand_id,
                                                      acts_for=principal.acts_for))


@router.post("/demands/{demand_id}/rating", status_code=201, summary="群众评价 1–5 rate a demand (resident)",
             **allow("resident", place="object"))
async def rate(demand_id: str, body: RatingIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "resident")
    return await fulfilment.rate_demand(runtime(request), demand_id=demand_id, rater_id=principal.sub,
                                        score=body.score, comment=body.comment, acts_for=principal.acts_for)


@router.post("/positions", status_code=201, tags=["服务岗位 positions"],
             summary="设立服务岗位 create a service position (officials; members take it for a period)",
             **allow(*OFFICIALS, place="body:community_id"))
async def create_position(body: DemandIn, request: Request, principal: CurrentPrincipal) -> dict:
    body.kind = "position"
    return await _publish(body, request, principal)


@router.get("/positions", tags=["服务岗位 positions"], summary="服务岗位列表 list positions",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published"))
async def list_positions(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                         status: str | None = "open", limit: int = Query(50, ge=1, le=500)) -> dict:
    return await demands.listing(runtime(request).db, place_id=place_id, kinds=["position"], status=status,
                                 limit=limit)


@router.get("/lists/needs", tags=["三张清单 lists"], summary="需求清单 the needs list (open needs and wishes)",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published"))
async def needs_list(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                     category: str | None = None, limit: int = Query(100, ge=1, le=500)) -> dict:
    return await demands.listing(runtime(request).db, place_id=place_id, kinds=["need", "wish", "position"],
                                 status="open", category=category, limit=limit)


@router.get("/lists/projects", tags=["三张清单 lists"],
            summary="项目清单 the project list (claimed or done demands, and resource projects)",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published"))
async def projects_list(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                        category: str | None = None, limit: int = Query(100, ge=1, le=500)) -> dict:
    db = runtime(request).db
    query = {"$or": [{"_id": {"$in": await demands.ids_with_claims(db, place_id)}}, {"kind": "project"}],
             "status": {"$in": ["open", "closed"]}}
    return await demands.listing(db, place_id=place_id, category=category, query=query, limit=limit)
