"""HTTP: inspections (督查) — quarterly records, rectification items (限期整改), follow-up and closing."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.localtime import Deadline, Instant
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.text import Folded, choice
from pydantic import Field

from ...domain.inspections import ITEM_STATES, TARGET_KINDS
from ...service import inspections
from .common import OFFICIALS, acts_for_place, officials_acts_for, out, outside, runtime

router = APIRouter(tags=["督查 inspections"])
InspectionId = Annotated[str, Path(title="督查记录", description="督查记录编号 insp-<对象>-<季度>")]
RectificationId = Annotated[str, Path(title="整改事项", description="整改事项编号 <督查记录>-r<序号>")]
TargetKindIn = choice(Literal["community", "unit"], TARGET_KINDS, {"社区": "community", "单位": "unit"})


class RectificationIn(RequestModel):
    title: FreeText = Field(min_length=1, max_length=300, description="整改事项")
    deadline: Deadline = Field(title="整改期限", description="整改期限（只给日期即当日结束；不带时区按本地时间）")


class InspectionIn(RequestModel):
    target_kind: TargetKindIn = Field(description="督查对象类别：community 社区党组织；unit 驻区单位")
    target_id: Folded = Field(title="督查对象", description="督查对象：社区或驻区单位的编号")
    inspected_at: Instant = Field(title="督查时间", description="督查时间（不带时区按本地时间；所属季度按本地时间划分）")
    group: FreeText = Field("", title="督查组", max_length=100, description="督查组（如：第一巡回督查组）")
    findings: list[FreeText] = Field(default=[], title="发现问题", max_length=50, description="发现的问题")
    rectifications: list[RectificationIn] = Field(default=[], title="整改事项", max_length=50, description="限期整改事项")
    remind_before_hours: float = Field(72, ge=0, le=24 * 60, description="到期前多少小时提醒")
    escalate_after_hours: float = Field(72, ge=0, le=24 * 180, description="逾期多少小时后上报街道督办")


class FollowUpIn(RequestModel):
    note: FreeText = Field(min_length=1, max_length=2000, description="整改进展")


class ClosingIn(RequestModel):
    result: FreeText = Field(title="整改结果", min_length=1, max_length=2000, description="整改结果（销号说明）")


def _view(insp: dict) -> dict:
    return {**out(insp), "status_label": "已销号" if insp["status"] == "closed" else "整改中",
            "items": [{**i, "status_label": ITEM_STATES[i["status"]]} for i in insp["items"]]}


@router.post("/inspections", status_code=201,
             summary="登记季度督查（发现问题、限期整改） record a quarter's inspection (officials above the community)",
             **allow(*OFFICIALS, place="object"))
async def record(body: InspectionIn, request: Request, principal: CurrentPrincipal) -> dict:
    spec = body.model_dump(exclude={"rectifications"})
    return _view(await inspections.record(runtime(request), **spec, items=[r.model_dump() for r in body.rectifications],
                                          by=principal.sub, acts_for=officials_acts_for(principal)))


@router.get("/inspections", summary="督查台账 inspections of a place, paged, with counts of open/overdue/closed items",
            **allow(*OFFICIALS, place="query:place_id"))
async def listing(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                  quarter: str | None = Query(None, title="季度", pattern=r"^\d{4}Q[1-4]$", description="季度，如 2026Q4"),
                  status: Literal["open", "closed"] | None = None,
                  limit: int = Query(20, ge=1, le=200, title="每页条数"), offset: Offset = 0) -> dict:
    """``{total, summary, items}``: one page of inspections, newest quarter first; ``total`` and the summary's
    counts cover every inspection matching the filters. 403 outside the caller's places."""
    if place_id and not await acts_for_place(request, principal, place_id):
        raise outside("该地点的督查记录")
    if not place_id and principal.role != "city_admin":
        place_id = principal.places[0] if principal.places else "_none"
    found = await inspections.listing(runtime(request).db, place_id=place_id, quarter=quarter, status=status,
                                      limit=limit, offset=offset)
    return {"total": found["total"], "summary": found["summary"], "items": [_view(i) for i in found["items"]]}


@router.get("/inspections/{inspection_id}", summary="查看督查记录 get an inspection (its unit, officials over it)",
            **allow(*OFFICIALS, "unit_admin", place="own|object"))
async def get(inspection_id: InspectionId, request: Request, principal: CurrentPrincipal) -> dict:
    insp = await inspections.get(runtime(request).db, inspection_id)
    if not principal.acts_for(insp["path"]):
        raise outside("该督查记录")
    return _view(insp)


@router.post("/inspections/{inspection_id}/rectifications/{rectification_id}/follow-ups",
             summary="跟踪整改：登记整改进展 add a follow-up (the unit, its community, inspectors)",
             **allow(*OFFICIALS, "unit_admin", place="own|object"))
async def follow_up(inspection_id: InspectionId, rectification_id: RectificationId, body: FollowUpIn, request: Request,
                    principal: CurrentPrincipal) -> dict:
    return _view(await inspections.follow_up(runtime(request), inspection_id=inspection_id,
                                             rectification_id=rectification_id, note=body.note, by=principal.sub,
                                             acts_for=principal.acts_for))


@router.post("/inspections/{inspection_id}/rectifications/{rectification_id}/closure",
             summary="整改销号 close a rectification item (inspectors above the community)",
             **allow(*OFFICIALS, place="object"))
async def close(inspection_id: InspectionId, rectification_id: RectificationId, body: ClosingIn, request: Request,
                principal: CurrentPrincipal) -> dict:
    return _view(await inspections.close_item(runtime(request), inspection_id=inspection_id,
                                              rectification_id=rectification_id, result=body.result,
                                              by=principal.sub, acts_for=principal.acts_for))
