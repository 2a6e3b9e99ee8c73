"""HTTP: resident units (驻区单位), agreements, monthly reports, who has not reported."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from gongjian_shared.access import allow
from gongjian_shared.answers import PAGED_LIST
from gongjian_shared.privacy import FreeText, MaskedName
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.localtime import Day, this_month
from gongjian_shared.text import Folded

from ..domain.members import MemberKindIn
from ..domain.units import UnitKindIn
from ..service import queries, units
from .access import MANAGERS, READERS, forbid, is_unit_admin_of, need_place
from .views import unit_member_view, unit_view

router = APIRouter(tags=["驻区单位 units"])


class UnitIn(RequestModel):
    name: MaskedName = Field(min_length=1, max_length=100, title="单位名称")
    kind: UnitKindIn
    party_org: FreeText | None = Field(None, max_length=100)
    location: FreeText | None = Field(None, max_length=200)
    credit_code: Folded | None = Field(None, max_length=30)
    paired_community_id: Folded


class UnitChange(RequestModel):
    party_org: FreeText | None = Field(None, max_length=100)
    location: FreeText | None = Field(None, max_length=200)
    paired_community_id: Folded | None = None


class AgreementIn(RequestModel):
    period_start: Day
    period_end: Day
    signed_on: Day
    commitments: list[FreeText] = Field(min_length=1, max_length=50)


class MonthlyReportIn(RequestModel):
    month: Folded | None = Field(None, description="YYYY-MM，默认本月（本地时间）")
    summary: FreeText = Field(min_length=1, max_length=2000, description="本月共建情况")
    activities: int = Field(0, ge=0, le=1000)


async def _unit_for(request: Request, principal, unit_id: str, *, write: bool) -> dict:
    """The unit, if the principal is its admin or staff of its paired community."""
    db = request.app.state.runtime.db
    unit = await units.get_unit(db, unit_id)
    if is_unit_admin_of(principal, unit_id):
        return unit
    await need_place(db, principal, unit["paired_community_id"], MANAGERS if write else READERS, "管理该单位")
    return unit


@router.post("/units", status_code=201, summary="登记驻区单位 register a unit",
             **allow(*MANAGERS, place="body:paired_community_id"))
async def register_unit(body: UnitIn, request: Request, principal: CurrentPrincipal) -> dict:
    await need_place(request.app.state.runtime.db, principal, body.paired_community_id, MANAGERS, "登记单位")
    return unit_view(await units.register_unit(request.app.state.runtime, body.model_dump(), principal.acts_for))


@router.get("/units", summary="单位列表 units paired with a community", **allow(*READERS, place="query:community_id", **PAGED_LIST))
async def list_units(request: Request, response: Response, principal: CurrentPrincipal, community_id: str,
                     limit: int | None = Query(None, ge=1, le=500), offset: Offset = 0) -> list[dict]:
    """The units paired with a community, by id; ``limit``/``offset`` give one page (paged in the query),
    the header ``X-Total-Count`` how many there are over all pages (the list itself stays a plain array)."""
    db = request.app.state.runtime.db
    await need_place(db, principal, community_id, READERS, "查看单位")
    response.headers["X-Total-Count"] = str(await units.count_units(db, community_id))
    return [unit_view(u) for u in await units.units_of(db, community_id, limit=limit, offset=offset)]


@router.get("/units/{unit_id}", summary="查看单位 get a unit", **allow("unit_admin", *READERS, place="own|object"))
async def get_unit(unit_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    return unit_view(await _unit_for(request, principal, unit_id, write=False))


@router.get("/units/{unit_id}/members", summary="本单位党员及报到回执 a unit's members, their receipts and community records",
            **allow("unit_admin", *READERS, place="own|object"))
async def unit_members(unit_id: str, request: Request, principal: CurrentPrincipal, kind: MemberKindIn | None = None,
                       reported: bool | None = Query(None, description="是否已到单位结对社区报到"),
                       status: Literal["active", "inactive"] | None = None,
                       sort: Literal["name", "-name", "registered_at", "-registered_at"] = Query(
                           "name", title="排序", description="name 姓名；registered_at 登记时间；前加 - 为倒序"),
                       limit: int = Query(20, ge=1, le=200), offset: Offset = 0) -> dict:
    """The unit's own admin, or staff over its paired community (两台账一回执): ``{unit_id, total,
    items: [row + card + performance records]}``, names masked, no phone or ID number. 403 another unit."""
    await _unit_for(request, principal, unit_id, write=False)
    total, docs = await queries.unit_members(request.app.state.runtime.db, unit_id, kind=kind, reported=reported,
                                             status=status, sort=sort, limit=limit, offset=offset)
    return {"unit_id": unit_id, "total": total, "items": [unit_member_view(d) for d in docs]}


@router.patch("/units/{unit_id}", summary="修改单位 change a unit (unit.updated)",
              **allow("unit_admin", *MANAGERS, place="own|object"))
async def change_unit(unit_id: str, body: UnitChange, request: Request, principal: CurrentPrincipal) -> dict:
    unit = await _unit_for(request, principal, unit_id, write=True)
    if body.paired_community_id and principal.role not in MANAGERS:
        raise forbid("只有社区或市级管理员可以调整结对社区 (only staff may re-pair a unit)")
    if body.paired_community_id:
        await need_place(request.app.state.runtime.db, principal, body.paired_community_id, MANAGERS, "结对到该社区")
    return unit_view(await units.update_unit(request.app.state.runtime, unit, body.model_dump(), principal.sub))


@router.post("/units/{unit_id}/agreement", status_code=201, summary="签订共驻共建目标协议书 sign the agreement",
             **allow("unit_admin", *MANAGERS, place="own|object"))
async def sign_agreement(unit_id: str, body: AgreementIn, request: Request, principal: CurrentPrincipal) -> dict:
    unit = await _unit_for(request, principal, unit_id, write=True)
    return await units.sign_agreement(request.app.state.runtime, unit, period_start=body.period_start.isoformat(),
                                      period_end=body.period_end.isoformat(), signed_on=body.signed_on.isoformat(),
                                      commitments=body.commitments)


@router.post("/units/{unit_id}/reports", status_code=201, summary="单位按月报到 monthly report to the community",
             **allow("unit_admin", *MANAGERS, place="own|object"))
async def monthly_report(unit_id: str, body: MonthlyReportIn, request: Request, principal: CurrentPrincipal) -> dict:
    unit = await _unit_for(request, principal, unit_id, write=True)
    report, _ = await units.report_month(request.app.state.runtime, unit, month=body.month or this_month(),
                                         summary=body.summary, activities=body.activities, by=principal.sub)
    return report


@router.post("/units/{unit_id}/reports/{month}/acknowledgement", summary="社区确认单位月度报到 the community confirms a report",
             **allow(*MANAGERS, place="object"))
async def acknowledge_report(unit_id: str, month: str, request: Request, principal: CurrentPrincipal) -> dict:
    """Staff of the unit's paired community (or the city) confirm the month's report (确认): the
    report with ``acknowledged_at``/``acknowledged_by``; 404 no report that month; 403 others."""
    db = request.app.state.runtime.db
    unit = await units.get_unit(db, unit_id)
    await need_place(db, principal, unit["paired_community_id"], MANAGERS, "确认单位报到")
    return await units.acknowledge_report(request.app.state.runtime, unit, month, principal.sub)


@router.get("/communities/{community_id}/units/unreported", summary="本月未报到的单位 units without this month's report",
            **allow(*READERS, place="path:community_id"))
async def unreported_units(community_id: str, request: Request, principal: CurrentPrincipal,
                           month: str | None = Query(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", title="月份",
                                                     description="YYYY-MM，默认本月（本地时间）")) -> dict:
    db = request.app.state.runtime.db
    await need_place(db, principal, community_id, READERS, "查看单位报到情况")
    month = month or this_month()  # the local month (issue 9: not the UTC one)
    missing = await units.unreported(db, community_id, month)
    return {"community_id": community_id, "month": month, "count": len(missing),
            "units": [{"id": u["_id"], "name": u["name"], "kind": u["kind"]} for u in missing]}
