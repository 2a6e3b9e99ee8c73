"""Due jobs: time-based work that survives restarts and never runs twice at once.

Scheduling inserts documents with ids that name the work, so scheduling twice is a
no-op. An instance takes a due job by inserting a lease ``<job>#<period>`` (period =
the current lease interval): a unique insert, so within one period exactly one
instance runs it, whatever the number of instances. (A conditional update would not do:
FerretDB 1.24 on SQLite does not apply one atomically, see journal.py.) If that
instance dies, the next period's lease lets another take the job again; the effects are
therefore idempotent (a versioned change that re-checks the state, or a deterministic id).

Finding due jobs must not read every pending one: idle-claim jobs alone are two per claim,
due weeks ahead, and ``due_at <= now`` is a range the embedded FerretDB answers by reading
the whole collection (and the scheduler asks every two seconds). So each job also carries
``due_hour`` (hours since the epoch, indexed) and a tick asks for the hours of the last
``RECENT_HOURS`` by equality (an ``$in`` answered from the index); the full range query
runs at start-up and every ``FULL_EVERY_S`` for whatever is older (a scheduler that was
down for weeks, documents written before ``due_hour`` existed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from gongjian_shared.envelope import utc_now
from pymongo import InsertOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from .store import JOB_LOG, JOBS, LEASES

RECENT_HOURS = 480   # 20 days: an $in of up to 500 values is answered from the index
FULL_EVERY_S = 600.0


def due_hour(at: datetime) -> int:
    return int(at.timestamp() // 3600)


async def schedule(db: Any, jobs: list[dict[str, Any]]) -> None:
    """Insert the jobs; those already scheduled (same id) are left as they are."""
    if not jobs:
        return
    try:
        await db[JOBS].bulk_write([InsertOne({**j, "due_hour": due_hour(j["due_at"])}) for j in jobs], ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
            raise


async def due(db: Any, now: datetime, limit: int, *, full: bool = False) -> list[dict[str, Any]]:
    """Jobs due by ``now``, earliest first: those due in the last RECENT_HOURS, or (``full``) all.

    Every document in JOBS is pending (a finished job is moved to JOB_LOG).
    """
    query: dict[str, Any] = {"due_at": {"$lte": now}}
    if not full:
        hour = due_hour(now)
        query["due_hour"] = {"$in": list(range(hour - RECENT_HOURS, hour + 1))}
    return await db[JOBS].find(query).sort("due_at", 1).limit(limit).to_list(None)


async def take(db: Any, job: dict[str, Any], owner: str, lease: timedelta) -> bool:
    """Lease a due job for the current period; False if another instance has it."""
    period = int(utc_now().timestamp() // lease.total_seconds())
    try:
        await db[LEASES].insert_one({"_id": f"{job['_id']}#{period}", "job_id": job["_id"], "owner": owner,
                                     "at": utc_now()})
    except DuplicateKeyError:
        return False
    return True


async def finish(db: Any, job: dict[str, Any], owner: str, outcome: str) -> None:
    """Log the outcome, then drop the job: the pending set stays small (it is scanned every tick)."""
    try:
        await db[JOB_LOG].insert_one({**job, "status": "done", "outcome": outcome, "done_at": utc_now(),
                                      "done_by": owner})
    except DuplicateKeyError:
        pass  # run again after a crash or in a later lease period: the first outcome stays
    await db[JOBS].delete_one({"_id": job["_id"]})


async def get(db: Any, job_id: str) -> dict[str, Any] | None:
    """A job, pending or (from the log) done."""
    return await db[JOBS].find_one({"_id": job_id}) or await db[JOB_LOG].find_one({"_id": job_id})
