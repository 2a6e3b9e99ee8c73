"""HTTP: officials release (收回) or hand over (转交) a claim (issue 14 point 1)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import RequestModel
from gongjian_shared.text import Folded
from pydantic import Field

from ...service import release
from .choices import ClaimantKindIn
from .common import OFFICIALS, runtime

router = APIRouter(tags=["需求与认领 demands & claims"])


class ReasonIn(RequestModel):
    reason: FreeText = Field(min_length=1, max_length=500, title="原因", description="收回或转交的原因（必填）")


class HandoverIn(ReasonIn):
    to_id: Folded = Field(min_length=1, max_length=100, title="接收方", description="接收的党员编号或单位编号")
    to_kind: ClaimantKindIn = Field("member", title="接收方类型", description="member 党员；unit 单位")


@router.post("/demands/{demand_id}/claims/{claim_id}/revocation",
             summary="收回认领 an official releases a claim with a reason; the claimant is notified",
             **allow(*OFFICIALS, place="object"))
async def revoke(demand_id: str, claim_id: str, body: ReasonIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return await release.release_by_official(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                             reason=body.reason, acts_for=principal.acts_for)


@router.post("/demands/{demand_id}/claims/{claim_id}/handover",
             summary="转交认领 an official hands a claim to another member or unit with a reason; both are notified",
             **allow(*OFFICIALS, place="object"))
async def hand_over(demand_id: str, claim_id: str, body: HandoverIn, request: Request,
                    principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return await release.hand_over(runtime(request), demand_id=demand_id, claim_id=claim_id, to_id=body.to_id,
                                   to_kind=body.to_kind, reason=body.reason, acts_for=principal.acts_for)
