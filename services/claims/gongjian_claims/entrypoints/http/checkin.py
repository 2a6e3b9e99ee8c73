"""HTTP: the QR check-in link of a demand (扫码签到), and check-in/out by it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from gongjian_shared.auth import CurrentPrincipal, require_role
from pydantic import BaseModel, Field

from ...domain.checkin import link_path, link_token
from ...service import checkin
from ...service.common import get_demand, require_acts_for
from .common import CLAIMANT_ROLES, OFFICIALS, claimant, runtime

router = APIRouter(tags=["扫码签到 check-in"])


class CheckIn(BaseModel):
    token: str = Field(min_length=1, max_length=100, description="二维码链接中的 t 参数")


def _secret(request: Request) -> str:
    return request.app.state.settings.jwt_secret


@router.get("/demands/{demand_id}/check-in-link",
            summary="签到二维码链接 the signed check-in link to print as a QR code (officials of the place)")
async def check_in_link(demand_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    """``{demand_id, token, path}``: ``path`` is relative to the portal (``/m/checkin/<id>?t=<token>``)."""
    require_role(principal, *OFFICIALS)
    demand = await get_demand(runtime(request).db, demand_id)
    require_acts_for(principal.acts_for, demand["path"], "打印签到码")
    secret = _secret(request)
    return {"demand_id": demand_id, "token": link_token(secret, demand_id), "path": link_path(secret, demand_id)}


@router.post("/demands/{demand_id}/claims/{claim_id}/check-in",
             summary="扫码签到 check in by the QR link (the claimant): 403 bad token; 409 already checked in")
async def check_in(demand_id: str, claim_id: str, body: CheckIn, request: Request,
                   principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    claimant_id, _ = await claimant(request, principal)
    return await checkin.check_in(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                  claimant_id=claimant_id, token=body.token, secret=_secret(request))


@router.post("/demands/{demand_id}/claims/{claim_id}/check-out",
             summary="扫码签退 check out (the claimant): the visit's hours add to checked_hours; 409 not checked in")
async def check_out(demand_id: str, claim_id: str, body: CheckIn, request: Request,
                    principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    claimant_id, _ = await claimant(request, principal)
    return await checkin.check_out(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                   claimant_id=claimant_id, token=body.token, secret=_secret(request))
