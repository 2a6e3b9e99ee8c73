"""HTTP: officials withdraw a demand (撤回) or change its capacity (调整名额) (issue 14 point 1)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import RequestModel
from pydantic import Field

from ...service import adjust, demands
from .common import OFFICIALS, runtime

router = APIRouter(tags=["需求与认领 demands & claims"])


class WithdrawalIn(RequestModel):
    reason: FreeText = Field(min_length=1, max_length=500, title="撤回原因", description="撤回需求的原因（必填）")


class CapacityIn(RequestModel):
    capacity: int = Field(ge=1, le=10000, title="名额", description="新的认领名额，不能少于已被认领的名额")
    reason: FreeText | None = Field(None, max_length=500, title="调整原因")


@router.post("/demands/{demand_id}/withdrawal",
             summary="撤回需求 withdraw an open demand with a reason; open claims are released, claimants notified",
             **allow(*OFFICIALS, place="object"))
async def withdraw(demand_id: str, body: WithdrawalIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return demands.view(await adjust.withdraw(runtime(request), demand_id=demand_id, reason=body.reason,
                                              acts_for=principal.acts_for))


@router.post("/demands/{demand_id}/capacity",
             summary="调整名额 change an open demand's capacity (never below the places taken: 409)",
             **allow(*OFFICIALS, place="object"))
async def change_capacity(demand_id: str, body: CapacityIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    db = runtime(request).db
    done = await adjust.change_capacity(runtime(request), demand_id=demand_id, new_capacity=body.capacity,
                                        reason=body.reason, acts_for=principal.acts_for)
    return await demands.full_view(db, done)
