"""HTTP: the QR check-in link of a demand (扫码签到), and check-in/out by it."""

from __future__ import annotations

import io

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from gongjian_shared.access import allow, public
from gongjian_shared.requests import RequestModel
from gongjian_shared.answers import file_answers
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import later
from gongjian_shared.text import Folded
from pydantic import Field

from ...domain.checkin import link_path, link_token, token_expiry
from ...service import checkin
from ...service.common import get_demand, require_acts_for
from .common import CLAIMANT_ROLES, OFFICIALS, claimant, runtime

router = APIRouter(tags=["扫码签到 check-in"])


class CheckIn(RequestModel):
    token: Folded = Field(min_length=1, max_length=100, description="二维码链接中的 t 参数")


def _secret(request: Request) -> str:
    return request.app.state.settings.jwt_secret


@router.get("/demands/{demand_id}/check-in-link",
            summary="签到二维码链接 the signed check-in link to print as a QR code (officials of the place)",
            **allow(*OFFICIALS, place="object"))
async def check_in_link(demand_id: str, request: Request, principal: CurrentPrincipal,
                        days: float | None = Query(None, gt=0, le=366, description="有效天数（默认 90）")) -> dict:
    """``{demand_id, token, path, url, qr_path, expires_at}``: ``path`` is relative to the portal
    (``/m/checkin/<id>?t=<token>``), ``url`` absolute (GONGJIAN_PUBLIC_URL); ``qr_path`` (relative to
    this service) answers the QR code as PNG. The code works until ``expires_at``."""
    require_role(principal, *OFFICIALS)
    demand = await get_demand(runtime(request).db, demand_id)
    require_acts_for(principal.acts_for, demand["path"], "打印签到码")
    settings, secret = request.app.state.settings, _secret(request)
    expires_at = later(utc_now(), days=days or settings.checkin_days).replace(microsecond=0)
    token = link_token(secret, demand_id, int(expires_at.timestamp()))
    path = link_path(secret, demand_id, token_expiry(token))
    return {"demand_id": demand_id, "token": token, "path": path, "url": settings.public_url.rstrip("/") + path,
            "qr_path": f"/demands/{demand_id}/check-in-qr?t={token}", "expires_at": expires_at}


@router.get("/demands/{demand_id}/check-in-qr",
            summary="签到二维码图片 the check-in QR code as PNG (the link's token is the key; no sign-in)",
            **public("二维码链接的签名令牌即凭证 the link's signed token is the key", **file_answers("image/png")))
async def check_in_qr(demand_id: str, request: Request, t: str = Query(max_length=100),
                      scale: int = Query(8, ge=2, le=20, description="每个模块的像素 (pixels per module)")) -> Response:
    """PNG encoding the absolute check-in URL; 403 problem for a bad or expired token."""
    checkin.check_token(_secret(request), demand_id, t)
    await get_demand(runtime(request).db, demand_id)
    url = request.app.state.settings.public_url.rstrip("/") + link_path(_secret(request), demand_id, token_expiry(t))
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=scale, border=2)
    return Response(png.getvalue(), media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/demands/{demand_id}/claims/{claim_id}/check-in",
             summary="扫码签到 check in by the QR link (the claimant): 403 bad token; 409 already checked in",
             **allow(*CLAIMANT_ROLES, place="own"))
async def check_in(demand_id: str, claim_id: str, body: CheckIn, request: Request,
                   principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    claimant_id, _ = await claimant(request, principal)
    return await checkin.check_in(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                  claimant_id=claimant_id, token=body.token, secret=_secret(request))


@router.post("/demands/{demand_id}/claims/{claim_id}/check-out",
             summary="扫码签退 check out (the claimant): the visit's hours add to checked_hours; 409 not checked in",
             **allow(*CLAIMANT_ROLES, place="own"))
async def check_out(demand_id: str, claim_id: str, body: CheckIn, request: Request,
                    principal: CurrentPrincipal) -> dict:
    require_role(principal, *CLAIMANT_ROLES)
    claimant_id, _ = await claimant(request, principal)
    return await checkin.check_out(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                   claimant_id=claimant_id, token=body.token, secret=_secret(request))
