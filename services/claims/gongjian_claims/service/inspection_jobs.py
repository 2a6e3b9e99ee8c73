"""Supervision of rectification deadlines (限期整改): the scheduler's jobs for ``rectification`` subjects.

Same steps as a demand's (domain/supervision.py): a reminder before the deadline, the overdue
mark at it, escalation to the street after it. The marks are versioned changes of the
inspection that re-check "not marked yet", and carry their event: two instances, or one that
ran the job before a crash, cannot emit it twice. Notices have ids derived from the job.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import format_deadline
from gongjian_shared.topics import CLAIMS_INSPECTIONS

from ..adapters import journal
from ..adapters.store import INSPECTIONS
from ..domain import inspections as rules
from .common import iso
from .inspections import inspection_event
from .notifications import notify

FLAGS = {"overdue": "overdue", "escalate": "escalated"}
EVENTS = {"overdue": "inspection.rectification_overdue", "escalate": "inspection.rectification_escalated"}


async def run_job(runtime: Any, job: dict[str, Any]) -> str:
    """Run one due job of a rectification item: "settled" if it was closed meanwhile."""
    insp = await journal.load(runtime.db, INSPECTIONS, rules.inspection_of(job["subject_id"]))
    index = rules.find_item(insp, job["subject_id"]) if insp else None
    if index is None or insp["items"][index]["status"] == "closed":
        return "settled"
    item = insp["items"][index]
    if job["step"] == "remind":
        text = f"【整改到期提醒】「{item['title']}」将于 {format_deadline(item['deadline'])} 到期，请抓紧整改"
        await _tell(runtime, job, insp, item, _owners(insp), text)
        return "applied"
    outcome = await _flag(runtime, job, insp, index)
    if job["step"] == "overdue":
        text = f"【整改逾期】「{item['title']}」已超过整改期限，请尽快整改到位"
        recipients = _owners(insp)
    else:
        text = f"【上报街道督办】「{item['title']}」逾期未整改，已上报街道跟踪督办"
        recipients = {insp.get("street_id") or insp["community_id"]: "place"}
    await _tell(runtime, job, insp, item, recipients, text)
    return outcome


def _owners(insp: dict[str, Any]) -> dict[str, str]:
    """Who rectifies: the inspected unit (if a unit) and its community's staff."""
    return {insp["target_id"]: "unit" if insp["target_kind"] == "unit" else "place", insp["community_id"]: "place"}


async def _flag(runtime: Any, job: dict[str, Any], insp: dict[str, Any], index: int) -> str:
    flag = FLAGS[job["step"]]
    for _ in range(5):  # a concurrent change of the inspection: re-read and re-check
        item = insp["items"][index]
        if item.get(flag) or item["status"] == "closed":
            return "already-applied"
        event = inspection_event(insp, EVENTS[job["step"]], {
            "rectification_id": item["id"], "deadline": iso(item["deadline"]),
            **({"escalated_to": insp.get("street_id")} if flag == "escalated" else {})})
        changes = {"items": rules.with_item(insp, index, **{flag: True, f"{flag}_at": utc_now()})}
        if await journal.change(runtime, INSPECTIONS, insp, changes, [(CLAIMS_INSPECTIONS, [event])]) is not None:
            return "applied"
        insp = await journal.load(runtime.db, INSPECTIONS, insp["_id"])
        index = rules.find_item(insp, job["subject_id"])
    return "conflict"


async def _tell(runtime: Any, job: dict[str, Any], insp: dict[str, Any], item: dict[str, Any],
                recipients: dict[str, str], text: str) -> None:
    """One notice per recipient (id → audience: the unit, or a place's staff)."""
    for recipient, audience in sorted(recipients.items()):
        if recipient:
            await notify(runtime, job["_id"], recipient, kind=job["kind"], subject_id=item["id"], text=text,
                         audience=audience, community_id=insp["community_id"], district_id=insp.get("district_id"))
