"""HTTP: supervision (督办) — ledger, joint meetings and their tasks, notifications; dispatch (选派)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.answers import PAGED_LIST
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_place, require_role
from gongjian_shared.localtime import Day, Deadline, Instant
from gongjian_shared.text import Folded
from pydantic import Field

from ...adapters import projections
from ...adapters.paging import with_total
from ...service import dispatch, ledger, meetings, notifications
from .choices import HolderKindIn, ScopeIn
from .common import OFFICIALS, acts_for_place, officials_acts_for, out, outside, runtime

router = APIRouter()


class DecisionIn(RequestModel):
    title: FreeText = Field(min_length=1, max_length=300, description="议定事项")
    owner_id: Folded = Field(description="责任单位、党员或工作人员的编号")
    owner_kind: HolderKindIn = "unit"
    due_at: Deadline = Field(description="完成期限（只给日期即当日结束）")


class MeetingIn(RequestModel):
    place_id: Folded = Field(description="社区或街道")
    title: FreeText = Field(min_length=1, max_length=200)
    held_at: Instant = Field(description="会议时间（不带时区按本地时间）")
    decisions: list[DecisionIn] = Field(default=[], max_length=100)
    remind_before_hours: float = Field(24, ge=0, le=24 * 60)  # the bounds of the claim rules (catalogue.py)
    escalate_after_hours: float = Field(48, ge=0, le=24 * 180)


class NoteIn(RequestModel):
    note: FreeText = Field(min_length=1, max_length=2000)


class DispatchIn(RequestModel):
    title: FreeText = Field(min_length=1, max_length=200, description="任务（如：疫情防控卡点值守、夜间巡逻）")
    category: Folded = "志愿服务"
    item: Folded = "平安巡逻"
    specialty: Folded | None = Field(None, description="所需专长")
    count: int = Field(ge=1, le=500, description="需要人数")
    duty_date: Day = Field(description="值守日期（本地日期；完成期限为当日结束）")
    scope: ScopeIn = "community"


@router.get("/supervision", tags=["督办 supervision"], summary="督办台账：逾期与上报事项 overdue and escalated items",
            **allow(*OFFICIALS, place="query:place_id"))
async def supervision_ledger(place_id: str, request: Request, principal: CurrentPrincipal,
                             limit: int = Query(20, ge=1, le=200, title="每页条数"), offset: Offset = 0) -> dict:
    """``{place_id, summary, demands, tasks, rectifications}``: one page (``limit`` from ``offset``) of each
    list, earliest deadline first; the summary's counts are each list's total. 403 outside the caller's places."""
    require_role(principal, *OFFICIALS)
    place = await projections.place(runtime(request).db, place_id)
    require_place(principal, place["path"] if place else [place_id])
    return await ledger.of_place(runtime(request).db, place_id, limit=limit, offset=offset)


@router.post("/meetings", status_code=201, tags=["督办 supervision"],
             summary="登记联席会议及议定事项 record a joint meeting with its decisions as tasks (officials)",
             **allow(*OFFICIALS, place="body:place_id"))
async def record_meeting(body: MeetingIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    meeting = await meetings.record_meeting(runtime(request), acts_for=principal.acts_for,
                                            decisions=[d.model_dump() for d in body.decisions],
                                            **body.model_dump(exclude={"decisions"}))
    return {**out(meeting), "tasks": [out(t) for t in meeting["tasks"]]}


@router.get("/meetings", tags=["督办 supervision"], summary="联席会议台账：本社区或街道的会议及议定事项，分页 "
            "joint meetings of a place with their tasks, latest first (officials)",
            **allow(*OFFICIALS, place="query:place_id"))
async def list_meetings(request: Request, principal: CurrentPrincipal,
                        place_id: str = Query(title="社区或街道", description="社区或街道编号"),
                        limit: int = Query(20, ge=1, le=200, title="每页条数"), offset: Offset = 0) -> dict:
    """``{total, items: [meeting + tasks]}``; 403 outside the caller's places."""
    require_role(principal, *OFFICIALS)
    if not await acts_for_place(request, principal, place_id):
        raise outside("该地点的联席会议")
    found = await meetings.meeting_list(runtime(request).db, place_id=place_id, limit=limit, offset=offset)
    return {"total": found["total"], "items": [{**out(m), "tasks": [out(t) for t in m["tasks"]]} for m in found["items"]]}


@router.get("/meetings/{meeting_id}", tags=["督办 supervision"], summary="查看联席会议 get a meeting",
            **allow(*OFFICIALS, place="object"))
async def get_meeting(meeting_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    meeting = await meetings.get_meeting(runtime(request).db, meeting_id)
    require_place(principal, meeting["path"], "该会议")
    return {**out(meeting), "tasks": [out(t) for t in meeting["tasks"]]}


@router.get("/tasks", tags=["督办 supervision"], summary="议事台账 tasks of a place (open/done/overdue), paged",
            **allow(*OFFICIALS, place="query:place_id", **PAGED_LIST))
async def list_tasks(request: Request, response: Response, principal: CurrentPrincipal, place_id: str | None = None,
                     status: Literal["open", "done"] | None = Query(None, title="状态"),
                     limit: int = Query(50, ge=1, le=500, title="每页条数"), offset: Offset = 0) -> dict:
    """``{summary: {total, open, done, overdue}, total, items}``: one page (``limit`` from ``offset``) of the
    tasks, earliest deadline first; ``total`` (also ``X-Total-Count``) and the summary count every matching
    task. Without ``place_id`` the caller's places (all for the city). 403 outside the caller's places."""
    if place_id and not await acts_for_place(request, principal, place_id):
        raise outside("该地点的督办任务")
    scope = [place_id] if place_id else (None if principal.role == "city_admin" else principal.places)
    found = await meetings.task_list(runtime(request).db, places=scope, status=status, limit=limit, offset=offset)
    return with_total(response, {**found, "items": [out(t) for t in found["items"]]})


@router.post("/tasks/{task_id}/progress", tags=["督办 supervision"],
             summary="登记进展 report progress (owner/officials)", **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def progress(task_id: str, body: NoteIn, request: Request, principal: CurrentPrincipal) -> dict:
    return out(await meetings.report_progress(runtime(request).db, task_id=task_id, note=body.note,
                                              sub=principal.sub, places=principal.places,
                                              acts_for=officials_acts_for(principal)))


@router.post("/tasks/{task_id}/closure", tags=["督办 supervision"], summary="任务销号 close a task (officials)",
             **allow(*OFFICIALS, place="object"))
async def close_task(task_id: str, body: NoteIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return out(await meetings.close_task(runtime(request).db, task_id=task_id, result_note=body.note,
                                         sub=principal.sub, acts_for=principal.acts_for))


@router.get("/notifications", tags=["督办 supervision"], summary="我的提醒 my reminders and notices",
            **allow(*ANYONE_SIGNED_IN, place="own"))
async def my_notifications(request: Request, principal: CurrentPrincipal) -> dict:
    items = await notifications.for_principal(runtime(request).db, principal)
    return {"items": items}


@router.post("/communities/{community_id}/dispatches", status_code=201, tags=["选派 dispatch"],
             summary="选派：按专长轮换生成名单 dispatch N members for a duty (officials)",
             **allow(*OFFICIALS, place="path:community_id"))
async def dispatch_members(community_id: str, body: DispatchIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return await dispatch.dispatch(runtime(request), community_id=community_id, spec=body.model_dump(),
                                   acts_for=principal.acts_for)
