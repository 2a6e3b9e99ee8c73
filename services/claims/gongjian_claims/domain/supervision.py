"""Supervision (督办): when reminders, overdue marks and escalations fall due. Pure.

Each piece of time-based work is a due job: a document with an id that names what it is
for (``<subject>:<step>``), so scheduling the same work twice is a no-op, and a due time.
Any instance may run it after taking a lease on it (see adapters/jobs.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

STEPS = ("remind", "overdue", "escalate")
STEP_LABELS = {"remind": "到期提醒", "overdue": "逾期", "escalate": "逾期上报街道督办"}


def job(subject_kind: str, subject_id: str, step: str, due_at: datetime) -> dict[str, Any]:
    return {"_id": f"{subject_id}:{step}", "kind": f"{subject_kind}.{step}", "subject_kind": subject_kind,
            "subject_id": subject_id, "step": step, "due_at": due_at, "status": "pending"}


def deadline_jobs(subject_kind: str, subject_id: str, due_at: datetime | None, *, remind_before_hours: float,
                  escalate_after_hours: float, now: datetime) -> list[dict[str, Any]]:
    """Reminder before the due date (if still ahead), overdue at it, escalation after it."""
    if due_at is None:
        return []
    jobs = []
    remind_at = due_at - timedelta(hours=remind_before_hours)
    if remind_before_hours > 0 and remind_at > now:
        jobs.append(job(subject_kind, subject_id, "remind", remind_at))
    jobs.append(job(subject_kind, subject_id, "overdue", due_at))
    jobs.append(job(subject_kind, subject_id, "escalate", due_at + timedelta(hours=escalate_after_hours)))
    return jobs


def is_settled(subject: dict[str, Any]) -> bool:
    """Nothing left to supervise: the demand is closed (销号) or withdrawn (撤回), or the task is done."""
    return subject.get("status") in ("closed", "withdrawn", "done", "rejected")
