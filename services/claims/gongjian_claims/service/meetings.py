"""Joint meetings (联席会议) and their decisions as tasks tracked to closure (议事台账).

A meeting of a community or a street is recorded with its decisions; each decision is a
task with an owner (a unit, a member or an official) and a due date, supervised like a
demand: reminder, overdue, escalation. Owners report progress; officials close tasks.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem
from pymongo import InsertOne

from ..adapters import jobs, paging, projections
from ..adapters.store import MEETINGS, TASKS
from ..domain.supervision import deadline_jobs
from .common import not_found, require_acts_for, require_known_holder


def _escalation_target(place: dict[str, Any]) -> str | None:
    path = place["path"]
    if place.get("kind") == "community":
        return projections.street_of(path)
    return path[-2] if len(path) >= 2 else None  # a street's meeting escalates to its district


async def record_meeting(runtime: Any, *, place_id: str, title: str, held_at: datetime,
                         decisions: list[dict[str, Any]], remind_before_hours: float, escalate_after_hours: float,
                         acts_for: Any) -> dict[str, Any]:
    db = runtime.db
    place = await projections.place(db, place_id)
    if place is None or place.get("kind") not in ("community", "street"):
        raise Problem(422, f"联席会议须属于社区或街道：{place_id} (unknown community or street)", code="unknown-place")
    require_acts_for(acts_for, place["path"], "登记")
    meeting_id = f"meeting-{uuid.uuid4().hex[:12]}"
    now = utc_now()
    tasks = []
    for number, decision in enumerate(decisions, start=1):
        if decision["due_at"] <= now:
            raise Problem(422, f"第 {number} 项决议的期限必须晚于当前时间 (due_at in the past)", code="bad-deadline")
        await require_known_holder(db, decision["owner_kind"], decision["owner_id"], f"第 {number} 项决议的责任方")
        tasks.append({"_id": f"{meeting_id}-t{number}", "meeting_id": meeting_id, "number": number,
                      "place_id": place_id, "path": place["path"], "street_id": _escalation_target(place),
                      "title": decision["title"], "owner_id": decision["owner_id"],
                      "owner_kind": decision["owner_kind"], "due_at": decision["due_at"], "status": "open",
                      "progress": [], "created_at": now})
    for task in tasks:  # jobs first: a job without its task finds nothing to do
        await jobs.schedule(db, deadline_jobs("task", task["_id"], task["due_at"], now=now,
                                              remind_before_hours=remind_before_hours,
                                              escalate_after_hours=escalate_after_hours))
    meeting = {"_id": meeting_id, "place_id": place_id, "path": place["path"], "title": title, "held_at": held_at,
               "task_ids": [t["_id"] for t in tasks], "recorded_at": now}
    if tasks:
        await db[TASKS].bulk_write([InsertOne(t) for t in tasks], ordered=True)
    await db[MEETINGS].insert_one(meeting)
    return {**meeting, "tasks": tasks}


async def get_meeting(db: Any, meeting_id: str) -> dict[str, Any]:
    meeting = await db[MEETINGS].find_one({"_id": meeting_id})
    if meeting is None:
        raise not_found("会议", "unknown-meeting", meeting_id)
    tasks = await db[TASKS].find({"meeting_id": meeting_id}).sort("number", 1).to_list(None)
    return {**meeting, "tasks": tasks}


async def get_task(db: Any, task_id: str) -> dict[str, Any]:
    task = await db[TASKS].find_one({"_id": task_id})
    if task is None:
        raise not_found("督办任务", "unknown-task", task_id)
    return task


def _may_act(task: dict[str, Any], sub: str, places: list[str], acts_for: Any) -> bool:
    return task["owner_id"] == sub or task["owner_id"] in places or acts_for(task["path"])


async def report_progress(db: Any, *, task_id: str, note: str, sub: str, places: list[str],
                          acts_for: Any) -> dict[str, Any]:
    task = await get_task(db, task_id)
    if not _may_act(task, sub, places, acts_for):
        raise Problem(403, "只有责任人或辖区工作人员可以登记进展 (only the owner or officials)", code="not-task-owner")
    entry = {"note": note, "by": sub, "at": utc_now()}
    result = await db[TASKS].update_one({"_id": task_id, "status": "open"}, {"$push": {"progress": entry}})
    if result.modified_count == 0:
        raise Problem(409, "该任务已办结 (task already closed)", code="task-closed")
    return await get_task(db, task_id)


async def close_task(db: Any, *, task_id: str, result_note: str, sub: str, acts_for: Any) -> dict[str, Any]:
    task = await get_task(db, task_id)
    require_acts_for(acts_for, task["path"], "销号")
    result = await db[TASKS].update_one({"_id": task_id, "status": "open"},
                                        {"$set": {"status": "done", "result": result_note, "closed_by": sub,
                                                  "closed_at": utc_now()}})
    if result.modified_count == 0:
        raise Problem(409, "该任务已办结 (task already closed)", code="task-closed")
    return await get_task(db, task_id)


async def task_list(db: Any, *, places: list[str] | None, status: str | None, limit: int,
                    offset: int) -> dict[str, Any]:
    """One page of the tasks beneath any of ``places`` (None: every place, for the city), earliest deadline
    first: ``{summary: {total, open, done, overdue}, total, items}``; the summary counts every matching task."""
    flt: dict[str, Any] = {}
    if places is not None:
        flt["path"] = {"$in": places}
    if status:
        flt["status"] = status
    total, items = await paging.page(db[TASKS], flt, [("due_at", 1), ("_id", 1)], limit=limit, offset=offset)
    summary = {"total": total, "open": await db[TASKS].count_documents({**flt, "status": "open"}),
               "done": await db[TASKS].count_documents({**flt, "status": "done"}),
               "overdue": await db[TASKS].count_documents({**flt, "overdue": True})}
    return {"summary": summary, "total": total, "items": items}


async def meeting_list(db: Any, *, place_id: str, limit: int, offset: int) -> dict[str, Any]:
    """Meetings held in or beneath ``place_id``, latest first, each with its tasks; paged in the database."""
    flt = {"path": place_id}
    total, meetings = await paging.page(db[MEETINGS], flt, [("held_at", -1), ("_id", 1)], limit=limit, offset=offset)
    tasks = await db[TASKS].find({"meeting_id": {"$in": [m["_id"] for m in meetings]}}).sort("number", 1).to_list(None)
    return {"total": total, "items": [{**m, "tasks": [t for t in tasks if t["meeting_id"] == m["_id"]]} for m in meetings]}
