"""Inspections (督查): record a quarter's inspection, follow rectification items up, close them.

An inspection is one versioned aggregate (journal.py) holding its rectification items, so
recording it, a follow-up and a closing are each one change with their events on
``claims.inspections.v1``. Each item's deadline is supervised like a demand's (reminder,
overdue, escalation to the street: inspection_jobs.py, run by the shared scheduler).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongjian_shared.envelope import CloudEvent, new_event, utc_now
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_INSPECTIONS
from pymongo.errors import DuplicateKeyError

from ..adapters import jobs, journal, projections
from ..adapters.store import INSPECTIONS, PLACES, UNITS
from ..domain import inspections as rules
from ..domain.supervision import deadline_jobs
from .common import SOURCE, changed_meanwhile, iso, not_found, require_acts_for

SUBJECT_KIND = "rectification"


def inspection_event(insp: dict[str, Any], type_: str, data: dict[str, Any]) -> CloudEvent:
    """An event on claims.inspections.v1: every one names the inspection, its target, place and quarter."""
    base = {"inspection_id": insp["_id"], "community_id": insp["community_id"], "street_id": insp.get("street_id"),
            "target_kind": insp["target_kind"], "target_id": insp["target_id"], "quarter": insp["quarter"]}
    return new_event(source=SOURCE, type=type_, subject=insp["_id"], data={**base, **data},
                     districtid=insp.get("district_id"), communityid=insp["community_id"])


async def _target(db: Any, kind: str, target_id: str) -> tuple[dict[str, Any], str]:
    """(the community the target belongs to, the target's name); 422 if claims does not know it."""
    if kind == "unit":
        unit = await db[UNITS].find_one({"_id": target_id})
        community = unit and unit.get("paired_community_id")
        place = await db[PLACES].find_one({"_id": community}) if community else None
        if place is None:
            raise Problem(422, f"未知的驻区单位或其未结对社区：{target_id} (unknown unit)", code="unknown-unit")
        return place, unit.get("name") or target_id
    place = await db[PLACES].find_one({"_id": target_id})
    if place is None or place.get("kind") != "community":
        raise Problem(422, f"未知的社区：{target_id} (unknown community)", code="unknown-place")
    return place, place.get("name") or target_id


def _above(insp: dict[str, Any]) -> list[str]:
    """Who inspects: the places above the community (street, district, city), never the target itself."""
    return insp["community_path"][:-1]


async def record(runtime: Any, *, target_kind: str, target_id: str, inspected_at: datetime, group: str,
                 findings: list[str], items: list[dict[str, Any]], remind_before_hours: float,
                 escalate_after_hours: float, by: str, acts_for: Any) -> dict[str, Any]:
    """Record one target's inspection of a quarter; 409 if that quarter's record exists.

    ``items``: ``{"title", "deadline"}`` (UTC). Raises 403 unless the caller acts above the
    community (street, district or city), 422 for an unknown target or a deadline not in the future.
    """
    db = runtime.db
    place, name = await _target(db, target_kind, target_id)
    path = list(place["path"])
    require_acts_for(acts_for, path[:-1], "督查")
    quarter = rules.quarter_of(inspected_at)
    insp_id = rules.inspection_id(target_id, quarter)
    if await journal.created(db, insp_id):  # before scheduling: the record's jobs are not to be redone
        raise _already(quarter)
    now = utc_now()
    late = rules.bad_deadlines(items, now)
    if late:
        raise Problem(422, f"第 {'、'.join(map(str, late))} 项整改期限必须晚于当前时间 (deadline in the past)",
                      code="bad-deadline")
    stored = rules.new_items(insp_id, items)
    for item in stored:  # jobs first: a job whose inspection is missing finds nothing to do
        await jobs.schedule(db, deadline_jobs(SUBJECT_KIND, item["id"], item["deadline"], now=now,
                                              remind_before_hours=remind_before_hours,
                                              escalate_after_hours=escalate_after_hours))
    doc = {"_id": insp_id, "target_kind": target_kind, "target_id": target_id, "target_name": name,
           "community_id": place["_id"], "community_path": path, "path": path + ([target_id] if target_kind == "unit"
                                                                                 else []),
           "street_id": projections.street_of(path), "district_id": projections.district_of(path),
           "quarter": quarter, "inspected_at": inspected_at, "group": group, "findings": findings, "items": stored,
           "status": rules.status_after(stored), "recorded_by": by, "recorded_at": now}
    event = inspection_event(doc, "inspection.recorded", {
        "inspected_at": iso(inspected_at), "findings": len(findings),
        "rectifications": [{"rectification_id": i["id"], "deadline": iso(i["deadline"])} for i in stored]})
    try:
        return await journal.create(runtime, INSPECTIONS, doc, [(CLAIMS_INSPECTIONS, [event])])
    except DuplicateKeyError:
        raise _already(quarter) from None


def _already(quarter: str) -> Problem:
    return Problem(409, f"{rules.quarter_label(quarter)}已登记对该对象的督查 (already inspected this quarter)",
                   code="already-inspected")


async def get(db: Any, inspection_id: str) -> dict[str, Any]:
    insp = await journal.load(db, INSPECTIONS, inspection_id)
    if insp is None:
        raise not_found("督查记录", "unknown-inspection", inspection_id)
    return insp


async def _item(db: Any, inspection_id: str, rectification_id: str) -> tuple[dict[str, Any], int]:
    insp = await get(db, inspection_id)
    index = rules.find_item(insp, rectification_id)
    if index is None:
        raise not_found("整改事项", "unknown-rectification", rectification_id)
    if insp["items"][index]["status"] == "closed":
        raise Problem(409, "该整改事项已销号 (rectification already closed)", code="rectification-closed")
    return insp, index


async def follow_up(runtime: Any, *, inspection_id: str, rectification_id: str, note: str, by: str,
                    acts_for: Any) -> dict[str, Any]:
    """跟踪整改: the target (its unit admin, its community's staff) or an inspector adds a progress note."""
    for _ in range(3):
        insp, index = await _item(runtime.db, inspection_id, rectification_id)
        require_acts_for(acts_for, insp["path"], "跟踪整改")
        entries = [*insp["items"][index]["follow_ups"], {"note": note, "by": by, "at": utc_now()}]
        done = await journal.change(runtime, INSPECTIONS, insp, {
            "items": rules.with_item(insp, index, follow_ups=entries)})
        if done is not None:
            return done
    raise changed_meanwhile()


async def close_item(runtime: Any, *, inspection_id: str, rectification_id: str, result: str, by: str,
                     acts_for: Any) -> dict[str, Any]:
    """整改销号: an inspector (above the community) closes an item; the last one closes the inspection."""
    for _ in range(3):  # a concurrent overdue mark does not stop the closing
        insp, index = await _item(runtime.db, inspection_id, rectification_id)
        require_acts_for(acts_for, _above(insp), "整改销号")
        now = utc_now()
        items = rules.with_item(insp, index, status="closed", result=result, closed_by=by, closed_at=now)
        status = rules.status_after(items)
        item = items[index]
        event = inspection_event(insp, "inspection.rectification_closed", {
            "rectification_id": rectification_id, "deadline": iso(item["deadline"]), "closed_at": iso(now),
            "was_overdue": bool(item.get("overdue")), "inspection_closed": status == "closed"})
        done = await journal.change(runtime, INSPECTIONS, insp, {"items": items, "status": status},
                                    [(CLAIMS_INSPECTIONS, [event])])
        if done is not None:
            return done
    raise changed_meanwhile()


async def listing(db: Any, *, place_id: str | None, quarter: str | None, status: str | None,
                  limit: int, offset: int) -> dict[str, Any]:
    """One page of the inspections beneath ``place_id`` (all for None), newest quarter first (sorted in the
    query): ``{total, summary, items}``; the summary counts every matching inspection, not just the page."""
    flt: dict[str, Any] = {}
    if place_id:
        flt["path"] = place_id
    if quarter:
        flt["quarter"] = quarter
    if status:
        flt["status"] = status
    page = await db[INSPECTIONS].find(flt).sort([("quarter", -1), ("_id", 1)]).skip(offset).limit(limit).to_list(None)
    counted = await db[INSPECTIONS].find(flt, {"items": 1}).to_list(None)  # items only: the counts of open/closed
    return {"total": len(counted), "summary": rules.summary(counted), "items": page}
