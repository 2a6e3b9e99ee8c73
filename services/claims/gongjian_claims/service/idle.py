"""Idle claims (超时未服务): warn, then release a claim nobody recorded service on (issue 14 point 1).

Each claim gets two due jobs when it is made or sent back for more work
(claiming.schedule_idle): a warning ``CLAIM_IDLE_WARN_DAYS`` before the end, and the release
after ``CLAIM_IDLE_DAYS`` (settings; 0 turns the rule off). They run on the supervision
scheduler, so one instance runs each whatever the number of instances (leases,
adapters/jobs.py), and they read the injected clock (gongjian_shared.localtime). Both
re-check the claim: service recorded, released, or a newer wait (sent back) means there is
nothing left to do.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.localtime import format_local

from ..adapters import journal
from ..adapters.store import CLAIMS, DEMANDS
from ..domain.release import idle_warning_text, since_of, wait_mark
from .release import give_back, tell


async def _still_waiting(runtime: Any, job: dict[str, Any]) -> dict[str, Any] | None:
    claim = await journal.load(runtime.db, CLAIMS, job["subject_id"])
    if claim is None or claim["status"] != "claimed" or wait_mark(since_of(claim)) != job["since"]:
        return None
    return claim


async def run_job(runtime: Any, job: dict[str, Any]) -> str:
    """Run one idle job; returns its outcome for the job log (settled, applied, conflict)."""
    claim = await _still_waiting(runtime, job)
    if claim is None:
        return "settled"
    demand = await journal.load(runtime.db, DEMANDS, claim["demand_id"])
    if demand is None or demand["status"] != "open":
        return "settled"
    if job["step"] == "idle_warn":
        text = idle_warning_text(demand["title"], format_local(job["release_at"]))
        await tell(runtime, job["_id"], demand, claim["claimant_id"], claim["claimant_kind"], "claim.idle_warning",
                   text)
        await journal.change(runtime, CLAIMS, claim, {"idle_warned_at": job["due_at"]})  # shown; lost if raced
        return "applied"
    for _ in range(3):  # a concurrent change of the claim (the warning mark, say): re-read and re-check
        if await give_back(runtime, demand, claim, by="idle", reason=None, cause=job["_id"]) is not None:
            return "applied"
        claim = await _still_waiting(runtime, job)
        if claim is None:
            return "settled"
    return "conflict"
