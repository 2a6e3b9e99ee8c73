"""Use cases on resident units (驻区单位): registration, agreement, monthly reports."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from pymongo.errors import DuplicateKeyError

from gongjian_shared.envelope import utc_now
from gongjian_shared.outbox import stage_events, with_events
from gongjian_shared.problems import Problem
from gongjian_shared.topics import REGISTRY_UNITS

from ..adapters.store import UNITS
from ..domain.units import valid_month
from . import events
from .places import community_place


def unit_id_for(name: str) -> str:
    """A unit's id follows from its name, so the same unit imported twice is one unit."""
    return "unit-" + hashlib.sha1("".join(name.split()).encode()).hexdigest()[:16]


async def get_unit(db: Any, unit_id: str) -> dict[str, Any]:
    unit = await db[UNITS].find_one({"_id": unit_id}, {"outbox": 0, "outbox_pending": 0})
    if unit is None:
        raise Problem(404, f"单位不存在：{unit_id} (unknown unit)", code="unknown-unit")
    return unit


def new_unit_doc(fields: dict[str, Any], *, job: str | None = None) -> dict[str, Any]:
    return {"_id": unit_id_for(fields["name"]), "name": fields["name"], "kind": fields["kind"],
            "party_org": fields.get("party_org") or f"{fields['name']}党支部", "location": fields.get("location") or "",
            "credit_code": fields.get("credit_code"), "paired_community_id": fields["paired_community_id"],
            "agreements": {}, "reports": {}, "history": [], "registered_at": utc_now(), "import_job": job}


async def register_unit(runtime: Any, fields: dict[str, Any], acts_for: Any) -> dict[str, Any]:
    db = runtime.db
    community = await community_place(db, fields["paired_community_id"])
    if not acts_for(community["path"]):
        raise Problem(403, "无权在该社区登记单位 (outside your places)", code="outside-places")
    doc = new_unit_doc(fields)
    try:
        await db[UNITS].insert_one(with_events(doc, REGISTRY_UNITS, [events.unit_registered(doc, community)]))
    except DuplicateKeyError as exc:
        raise Problem(409, f"单位“{fields['name']}”已登记 (unit exists)", code="unit-exists", unit_id=doc["_id"]) from exc
    runtime.notify(UNITS, doc["_id"])
    return doc


async def update_unit(runtime: Any, unit: dict[str, Any], changes: dict[str, Any], by: str) -> dict[str, Any]:
    db = runtime.db
    fields = {k: v for k, v in changes.items() if v is not None and unit.get(k) != v}
    if not fields:
        return unit
    community = await community_place(db, fields.get("paired_community_id") or unit["paired_community_id"])
    new = {**unit, **fields}
    history = [{"at": utc_now(), "by": by, "field": k, "old": unit.get(k), "new": v} for k, v in fields.items()]
    update = stage_events({"$set": fields, "$push": {"history": {"$each": history}}}, REGISTRY_UNITS,
                          [events.unit_event("unit.updated", new, community, changes=sorted(fields),
                                             party_org=new.get("party_org"))])
    await db[UNITS].update_one({"_id": unit["_id"]}, update)
    runtime.notify(UNITS, unit["_id"])
    return new


async def sign_agreement(runtime: Any, unit: dict[str, Any], *, period_start: str, period_end: str,
                         signed_on: str, commitments: list[str]) -> dict[str, Any]:
    """The co-building agreement (《共驻共建目标协议书》) with the paired community."""
    if period_end < period_start:
        raise Problem(422, "协议期限结束日期不能早于开始日期 (period ends before it starts)", code="bad-period")
    community = await community_place(runtime.db, unit["paired_community_id"])
    agreement = {"agreement_id": f"agr-{uuid.uuid4().hex[:10]}", "community_id": community["_id"],
                 "period_start": period_start, "period_end": period_end, "signed_on": signed_on,
                 "commitments": commitments, "recorded_at": utc_now()}
    update = stage_events({"$set": {f"agreements.{agreement['agreement_id']}": agreement, "agreement": agreement}},
                          REGISTRY_UNITS, [events.agreement_signed(unit, community, agreement)])
    await runtime.db[UNITS].update_one({"_id": unit["_id"]}, update)
    runtime.notify(UNITS, unit["_id"])
    return agreement


async def report_month(runtime: Any, unit: dict[str, Any], *, month: str, summary: str, activities: int,
                       by: str) -> tuple[dict[str, Any], bool]:
    """The unit's monthly report to its paired community (按月报到); one per month."""
    if not valid_month(month):
        raise Problem(422, f"月份格式应为 YYYY-MM：{month} (bad month)", code="bad-month")
    if month in (unit.get("reports") or {}):
        return unit["reports"][month], False
    community = await community_place(runtime.db, unit["paired_community_id"])
    report = {"month": month, "community_id": community["_id"], "summary": summary, "activities": activities,
              "by": by, "reported_at": utc_now()}
    update = stage_events({"$set": {f"reports.{month}": report}}, REGISTRY_UNITS,
                          [events.unit_reported(unit, community, report)])
    result = await runtime.db[UNITS].update_one({"_id": unit["_id"], f"reports.{month}": {"$exists": False}}, update)
    if result.modified_count == 0:  # a concurrent report won
        return (await get_unit(runtime.db, unit["_id"]))["reports"][month], False
    runtime.notify(UNITS, unit["_id"])
    return report, True


async def acknowledge_report(runtime: Any, unit: dict[str, Any], month: str, by: str) -> dict[str, Any]:
    """The paired community confirms (确认) a unit's monthly report; confirming twice keeps the first."""
    report = (unit.get("reports") or {}).get(month)
    if report is None:
        raise Problem(404, f"该单位没有 {month} 的月度报到 (no report for that month)", code="unknown-report")
    if report.get("acknowledged_at"):
        return report
    stamp = {"acknowledged_at": utc_now(), "acknowledged_by": by}
    # Conditional: when a colleague confirmed it first, theirs stays and is what we answer.
    await runtime.db[UNITS].update_one({"_id": unit["_id"], f"reports.{month}.acknowledged_at": {"$exists": False}},
                                       {"$set": {f"reports.{month}.{k}": v for k, v in stamp.items()}})
    return (await get_unit(runtime.db, unit["_id"]))["reports"][month]


async def units_of(db: Any, community_id: str | None, *, unreported_in: str | None = None,
                   limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Units paired with ``community_id`` (all when None), by id, one page (``limit`` None: all).
    ``unreported_in`` (YYYY-MM): only those without that month's report. The indexed top-level
    ``paired_community_id`` narrows the scan; the month test runs in the query too."""
    cursor = db[UNITS].find(_units_query(community_id, unreported_in), {"outbox": 0, "outbox_pending": 0, "history": 0}).sort("_id", 1).skip(offset)
    return await (cursor.limit(limit) if limit else cursor).to_list(None)


async def count_units(db: Any, community_id: str | None) -> int:
    """How many units ``units_of`` lists over all its pages (the console's pager total)."""
    return await db[UNITS].count_documents(_units_query(community_id, None))


def _units_query(community_id: str | None, unreported_in: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"paired_community_id": community_id} if community_id else {}
    if unreported_in:
        query[f"reports.{unreported_in}"] = {"$exists": False}
    return query


async def unreported(db: Any, community_id: str, month: str) -> list[dict[str, Any]]:
    return await units_of(db, community_id, unreported_in=month)
