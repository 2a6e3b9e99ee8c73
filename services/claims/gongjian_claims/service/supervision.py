"""Supervision (督办): run due jobs — reminders, overdue marks, escalation to the street.

The scheduler runs in every instance. Each tick it leases the jobs that are due
(adapters/jobs.py) and runs their effects, each idempotent:
- remind: a notification per open claimant (or task owner) and one to the place; the
  notification ids derive from the job, so none is sent twice.
- overdue: a versioned change of the demand that re-checks "not overdue yet" and carries
  demand.overdue: two instances, or one that ran it before a crash, cannot emit it twice.
- escalate: likewise flagged, with a notice to the street (督办台账).
Work that is settled (demand closed, task done) is finished without effect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from datetime import timedelta
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import format_deadline
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..adapters import jobs, journal
from ..adapters.store import CLAIMS, DEMANDS, JOBS, TASKS
from ..domain.demands import OPEN_CLAIM_STATES
from ..domain.supervision import STEP_LABELS, is_settled
from . import count_repair, idle, inspection_jobs, resources
from .common import demand_event, iso
from .notifications import notify

log = logging.getLogger("gongjian.claims.supervision")
SWEEP_EVERY_S = 15.0  # how often to finish what a crash interrupted (resource projects)
FLAGS = {"overdue": "overdue", "escalate": "escalated"}


# Subjects supervised by their own module: idle claims (idle.py), rectification items (inside their inspection).
SUBJECT_RUNNERS = {"claim": idle.run_job, "rectification": inspection_jobs.run_job}


async def run_job(runtime: Any, job: dict[str, Any]) -> str:
    db = runtime.db
    if job["subject_kind"] in SUBJECT_RUNNERS:
        return await SUBJECT_RUNNERS[job["subject_kind"]](runtime, job)
    is_demand = job["subject_kind"] == "demand"
    subject = await (journal.load(db, DEMANDS, job["subject_id"]) if is_demand
                     else db[TASKS].find_one({"_id": job["subject_id"]}))
    if subject is None or is_settled(subject):
        return "settled"
    open_claims = await db[CLAIMS].find({"demand_id": subject["_id"], "status": {"$in": list(OPEN_CLAIM_STATES)}}) \
        .to_list(None) if is_demand else []
    if job["step"] == "remind":
        await _remind(runtime, job, subject, open_claims)
        return "applied"
    outcome = await (_flag_demand(runtime, job, subject, open_claims) if is_demand else _flag_task(db, job, subject))
    await _notice(runtime, job, subject)
    return outcome


async def _flag_demand(runtime: Any, job: dict[str, Any], demand: dict[str, Any], open_claims: list) -> str:
    flag = FLAGS[job["step"]]
    for _ in range(5):  # a concurrent change of the demand: re-read and re-check
        if demand.get(flag) or is_settled(demand):
            return "already-applied"
        changes: dict[str, Any] = {flag: True, f"{flag}_at": utc_now()}
        events = []
        if flag == "overdue":
            events = [(CLAIMS_DEMANDS, [demand_event(demand, "demand.overdue", {
                "due_at": iso(demand.get("due_at")), "street_id": demand.get("street_id"),
                "open_claims": len(open_claims), "claimant_ids": sorted({c["claimant_id"] for c in open_claims})})])]
        else:
            changes["escalated_to"] = demand.get("street_id")
        if await journal.change(runtime, DEMANDS, demand, changes, events) is not None:
            return "applied"
        demand = await journal.load(runtime.db, DEMANDS, demand["_id"])
    return "conflict"


async def _flag_task(db: Any, job: dict[str, Any], task: dict[str, Any]) -> str:
    flag = FLAGS[job["step"]]
    result = await db[TASKS].update_one({"_id": task["_id"], flag: {"$ne": True}},
                                        {"$set": {flag: True, f"{flag}_at": utc_now()}})
    return "applied" if result.modified_count else "already-applied"


def _place(subject: dict[str, Any]) -> str:
    return subject.get("community_id") or subject["place_id"]


async def _send(runtime: Any, job: dict[str, Any], subject: dict[str, Any], recipients: dict[str, str],
                text: str) -> None:
    """One notice per recipient (id → audience: member, unit, staff or place)."""
    for recipient, audience in recipients.items():
        if recipient:
            await notify(runtime, job["_id"], recipient, kind=job["kind"], subject_id=subject["_id"], text=text,
                         audience=audience, community_id=subject.get("community_id"),
                         district_id=subject.get("district_id"))


async def _remind(runtime: Any, job: dict[str, Any], subject: dict[str, Any], open_claims: list) -> None:
    text = f"【{STEP_LABELS['remind']}】「{subject['title']}」将于 {format_deadline(subject.get('due_at'))} 到期，请抓紧办理"
    owners = ({c["claimant_id"]: c.get("claimant_kind") or "member" for c in open_claims}
              if job["subject_kind"] == "demand" else {subject.get("owner_id"): "staff"})
    await _send(runtime, job, subject, {**owners, _place(subject): "place"}, text)


async def _notice(runtime: Any, job: dict[str, Any], subject: dict[str, Any]) -> None:
    if job["step"] == "overdue":
        text = f"【逾期督办】「{subject['title']}」已超过期限，请尽快办结"
        recipients = {subject.get("owner_id"): "staff", _place(subject): "place"}
    else:
        text = f"【上报街道督办】「{subject['title']}」逾期未办结，已上报街道跟踪督办"
        recipients = {subject.get("street_id") or _place(subject): "place"}
    await _send(runtime, job, subject, recipients, text)


class Scheduler:
    """One per instance; many instances share the work through leases."""

    def __init__(self, runtime: Any, *, interval_s: float, lease_s: float, batch: int = 50) -> None:
        self.runtime, self.interval, self.lease = runtime, interval_s, timedelta(seconds=lease_s)
        # The process id says which process holds a lease (operators, the kill test); the random
        # part keeps owners apart across hosts and restarts.
        self.batch, self.owner = batch, f"claims-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.ran: list[str] = []  # job ids this instance ran (for tests and logs)
        self._task: asyncio.Task | None = None
        self._last_sweep = 0.0
        self._last_count_repair = time.monotonic()  # start-up repaired just before
        self._last_full = -jobs.FULL_EVERY_S  # the first tick looks at every due job

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="claims-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a failed tick is retried at the next one
                log.warning("scheduler tick failed: %s", exc)
            await asyncio.sleep(self.interval)

    async def tick(self) -> int:
        db, count = self.runtime.db, 0
        full = time.monotonic() - self._last_full >= jobs.FULL_EVERY_S
        if full:
            self._last_full = time.monotonic()
        for job in await jobs.due(db, utc_now(), self.batch, full=full):
            if not await jobs.take(db, job, self.owner, self.lease):
                continue  # another instance runs it in this lease period
            if await db[JOBS].find_one({"_id": job["_id"]}, {"_id": 1}) is None:
                continue  # finished by another instance since this tick looked
            outcome = await run_job(self.runtime, job)
            await jobs.finish(db, job, self.owner, outcome)
            self.ran.append(job["_id"])
            count += 1
        if time.monotonic() - self._last_sweep > SWEEP_EVERY_S:
            self._last_sweep = time.monotonic()
            await resources.finish_pending(self.runtime)
        if time.monotonic() - self._last_count_repair > count_repair.EVERY_S:
            self._last_count_repair = time.monotonic()
            await count_repair.repair(db)
        return count
