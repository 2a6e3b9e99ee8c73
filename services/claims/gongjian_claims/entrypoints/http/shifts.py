"""HTTP: a position's schedule and shifts (排班与班次), and members signing up per shift (报名)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.localtime import Day
from gongjian_shared.requests import RequestModel
from gongjian_shared.text import Folded
from pydantic import Field

from ...service import shifts
from .common import OFFICIALS, runtime

router = APIRouter(tags=["服务岗位班次 shifts"])
CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"
ShiftId = Annotated[str, Path(title="班次", description="<岗位编号>@<当地日期 YYYY-MM-DD>")]


class ScheduleIn(RequestModel):
    weekdays: list[int] = Field(min_length=1, max_length=7, title="每周服务日",
                                description="ISO 星期：1 周一 … 7 周日")
    start: Folded = Field(pattern=CLOCK, title="班次开始时间", description="当地时间 HH:MM，如 08:00")
    end: Folded = Field(pattern=CLOCK, title="班次结束时间", description="当地时间 HH:MM，如 10:00（同一天）")
    capacity: int | None = Field(None, ge=1, le=500, title="每班人数", description="默认为岗位名额")
    first_day: Day | None = Field(None, title="排班开始日期", description="默认岗位开始日")
    last_day: Day | None = Field(None, title="排班结束日期", description="默认岗位结束日")


@router.put("/positions/{demand_id}/schedule",
            summary="岗位排班 set a position's schedule (officials of the place): days, weekdays, local hours",
            **allow(*OFFICIALS, place="object"))
async def set_schedule(demand_id: str, body: ScheduleIn, request: Request, principal: CurrentPrincipal) -> dict:
    """``{demand_id, schedule, shifts}`` (``shifts``: how many the schedule makes). 422 ``bad-schedule``;
    409 ``not-a-position`` / ``demand-not-open``."""
    require_role(principal, *OFFICIALS)
    return await shifts.set_schedule(runtime(request), demand_id=demand_id, spec=body.model_dump(),
                                     acts_for=principal.acts_for)


@router.get("/positions/{demand_id}/shifts",
            summary="岗位班次 a position's shifts with places left (and the caller's own sign-up)",
            **allow(*ANYONE_SIGNED_IN, place="shared", why="published"))
async def list_shifts(demand_id: str, request: Request, principal: CurrentPrincipal,
                      from_day: Day | None = Query(None, title="开始日期", description="默认今天（当地）"),
                      to_day: Day | None = Query(None, title="结束日期", description="默认 4 周后，最长 92 天")) -> dict:
    """``{demand_id, title, schedule, items: [{id, day, starts_at, ends_at, capacity, taken, left, mine}]}``;
    times UTC, ``day`` the local date; 409 ``no-schedule``."""
    member = principal.sub if principal.role == "member" else None
    return await shifts.shifts_of(runtime(request).db, demand_id=demand_id, first=from_day,
                                  last=to_day, member_id=member)


@router.post("/shifts/{shift_id}/signups", status_code=201,
             summary="班次报名 sign up for a shift until it ends (member): 409 full / already / over; 403 not eligible",
             **allow("member", place="object"))
async def sign_up(shift_id: ShiftId, request: Request, principal: CurrentPrincipal) -> dict:
    """The sign-up ``{id, shift_id, status: signed_up, starts_at, ends_at, …}``."""
    require_role(principal, "member")
    return await shifts.sign_up(runtime(request), shift_id=shift_id, member_id=principal.sub)


@router.post("/shifts/{shift_id}/cancellation", summary="取消报名 cancel one's sign-up before the shift starts",
             **allow("member", place="own"))
async def cancel(shift_id: ShiftId, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "member")
    return await shifts.cancel(runtime(request), shift_id=shift_id, member_id=principal.sub)


@router.get("/shifts/{shift_id}/signups", summary="班次报名名单 a shift's sign-ups (officials of the place)",
            **allow(*OFFICIALS, place="object"))
async def roster(shift_id: ShiftId, request: Request, principal: CurrentPrincipal) -> dict:
    """``{shift_id, starts_at, ends_at, capacity, items: [sign-up + masked name]}``."""
    require_role(principal, *OFFICIALS)
    return await shifts.roster(runtime(request).db, shift_id=shift_id, acts_for=principal.acts_for)


@router.get("/shift-signups/mine", summary="我的班次 the caller's sign-ups with check-in/out and hours (member)",
            **allow("member", place="own"))
async def mine(request: Request, principal: CurrentPrincipal,
               limit: int = Query(100, ge=1, le=500, title="条数")) -> dict:
    """``{items: [sign-up + position title]}``, newest shift first."""
    require_role(principal, "member")
    return {"items": await shifts.of_member(runtime(request).db, principal.sub, limit)}
