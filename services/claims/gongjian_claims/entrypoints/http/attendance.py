"""HTTP: attendance of a shift — QR check-in/out, an official's manual entry, corrections of hours."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import Instant
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import RequestModel
from pydantic import Field

from ...service import attendance
from .checkin import CheckIn
from .common import OFFICIALS, runtime
from .shifts import ShiftId

router = APIRouter(tags=["服务岗位班次 shifts"])
MemberId = Annotated[str, Path(title="党员", description="报名的党员编号")]


class ManualEntry(RequestModel):
    checked_in_at: Instant = Field(title="签到时间", description="无时区即当地时间")
    checked_out_at: Instant = Field(title="签退时间", description="无时区即当地时间")
    reason: FreeText = Field(min_length=2, max_length=200, title="补录原因")


class CorrectionIn(RequestModel):
    hours: float = Field(ge=0, le=24, title="申请工时（小时）")
    reason: FreeText = Field(min_length=2, max_length=200, title="更正原因")


class DecisionIn(RequestModel):
    approved: bool = Field(title="是否同意")
    reason: FreeText | None = Field(None, max_length=200, title="审核意见", description="不同意时必填")


def _secret(request: Request) -> str:
    return request.app.state.settings.jwt_secret


@router.post("/shifts/{shift_id}/check-in",
             summary="班次扫码签到 check in by the position's QR link (30 min before the start until the end)",
             **allow("member", place="own"))
async def check_in(shift_id: ShiftId, body: CheckIn, request: Request, principal: CurrentPrincipal) -> dict:
    """The sign-up. 403 bad or expired code; 409 ``not-signed-up`` / ``already-checked-in`` /
    ``check-in-not-open`` / ``check-in-closed`` (Chinese ``detail`` names the window)."""
    require_role(principal, "member")
    return await attendance.check_in(runtime(request), shift_id=shift_id, member_id=principal.sub,
                                     token=body.token, secret=_secret(request))


@router.post("/shifts/{shift_id}/check-out",
             summary="班次扫码签退 check out (until 30 min after the end): hours credited by the rounding rule",
             **allow("member", place="own"))
async def check_out(shift_id: ShiftId, body: CheckIn, request: Request, principal: CurrentPrincipal) -> dict:
    """The sign-up with ``hours``. 409 ``not-checked-in`` / ``check-out-closed``."""
    require_role(principal, "member")
    return await attendance.check_out(runtime(request), shift_id=shift_id, member_id=principal.sub,
                                      token=body.token, secret=_secret(request))


@router.post("/shifts/{shift_id}/signups/{member_id}/attendance",
             summary="补录签到签退 an official records check-in/out by hand, with a reason (audited)",
             **allow(*OFFICIALS, place="object"))
async def record_by_hand(shift_id: ShiftId, member_id: MemberId, body: ManualEntry, request: Request,
                         principal: CurrentPrincipal) -> dict:
    """The sign-up with ``hours`` and ``manual: {by, reason, at}``. 422 ``bad-attendance``; 409 ``not-signed-up``."""
    require_role(principal, *OFFICIALS)
    return await attendance.record_by_hand(
        runtime(request), shift_id=shift_id, member_id=member_id, checked_in_at=body.checked_in_at,
        checked_out_at=body.checked_out_at, reason=body.reason, by=principal.sub, acts_for=principal.acts_for)


@router.post("/shifts/{shift_id}/correction", summary="申请更正工时 the member asks for other hours, with a reason",
             **allow("member", place="own"))
async def request_correction(shift_id: ShiftId, body: CorrectionIn, request: Request,
                             principal: CurrentPrincipal) -> dict:
    """The sign-up with ``correction: {hours, reason, status: pending}``. 409 ``correction-pending`` /
    ``shift-not-started``; 422 ``bad-hours``."""
    require_role(principal, "member")
    return await attendance.request_correction(runtime(request), shift_id=shift_id, member_id=principal.sub,
                                               hours=body.hours, reason=body.reason)


@router.post("/shifts/{shift_id}/signups/{member_id}/correction/decision",
             summary="审核更正申请 approve (hours credited) or decline with a reason (officials of the place)",
             **allow(*OFFICIALS, place="object"))
async def decide_correction(shift_id: ShiftId, member_id: MemberId, body: DecisionIn, request: Request,
                            principal: CurrentPrincipal) -> dict:
    """The sign-up. 409 ``no-pending-correction``; 422 ``reason-required`` when declining without one."""
    require_role(principal, *OFFICIALS)
    return await attendance.decide_correction(runtime(request), shift_id=shift_id, member_id=member_id,
                                              approved=body.approved, reason=body.reason, by=principal.sub,
                                              acts_for=principal.acts_for)
