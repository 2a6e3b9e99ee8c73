"""Bulk import jobs for members and units: check everything, then write all or nothing.

A job is a document the client polls for progress (``GET /imports/{id}``). Phases:
``validating`` (parse + check every row) → ``rejected`` (errors; nothing written) or
``writing`` (batches via batch_outbox) → ``done``. A dry run stops after validating.
Rows already registered with the same data are skipped, so a second import of the same
file creates nothing new.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem

from ..adapters.sheets import SheetError, read_sheet
from ..adapters.store import IMPORT_JOBS
from ..domain.importing import RowError, map_headers
from . import import_rows

log = logging.getLogger("gongjian.registry.import")
MAX_STORED_ERRORS = 20_000


async def start_job(runtime: Any, vault: Any, *, kind: str, content: bytes, filename: str, dry_run: bool,
                    by: str, acts_for: Any) -> dict[str, Any]:
    """Read the file (a malformed one is refused at once), create the job, run it in the background."""
    try:
        rows = await asyncio.to_thread(read_sheet, content, filename)
    except SheetError as exc:
        raise Problem(422, str(exc), code="malformed-file") from exc
    spec = import_rows.SPECS[kind]
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    body = [r for r in body if any(c for c in r)]  # staff sheets end in empty rows
    index, header_errors = map_headers(header, spec.headers, spec.required)
    job = {"_id": f"imp-{uuid.uuid4().hex[:12]}", "kind": kind, "file_name": filename, "dry_run": dry_run,
           "status": "validating", "total": len(body), "validated": 0, "written": 0, "created": 0, "skipped": 0,
           "errors": [], "error_count": 0, "by": by, "created_at": utc_now(), "finished_at": None}
    if header_errors or not body:
        errors = header_errors or [RowError(2, "", "文件中没有数据行 (no data rows)")]
        job.update(status="rejected", errors=[e.as_dict() for e in errors], error_count=len(errors), finished_at=utc_now())
        await runtime.db[IMPORT_JOBS].insert_one(job)
        return job
    await runtime.db[IMPORT_JOBS].insert_one(job)
    task = asyncio.create_task(_run(runtime, vault, job, spec, index, body, acts_for), name=job["_id"])
    runtime.state.setdefault("import_tasks", {})[job["_id"]] = task
    task.add_done_callback(lambda t: runtime.state["import_tasks"].pop(job["_id"], None))
    return job


async def wait_for(runtime: Any, job_id: str) -> None:
    task = runtime.state.get("import_tasks", {}).get(job_id)
    if task is not None:
        await asyncio.shield(task)


async def _set(runtime: Any, job_id: str, **fields: Any) -> None:
    await runtime.db[IMPORT_JOBS].update_one({"_id": job_id}, {"$set": fields})


async def _run(runtime: Any, vault: Any, job: dict[str, Any], spec: Any, index: dict[str, int],
               body: list[list[str]], acts_for: Any) -> None:
    job_id = job["_id"]
    try:
        async def progress(validated: int) -> None:
            await _set(runtime, job_id, validated=validated)

        plan = await spec.validate(runtime.db, vault, body, index, acts_for, job_id, progress)
        errors = plan.errors
        if errors:
            await _set(runtime, job_id, status="rejected", validated=len(body), error_count=len(errors),
                       errors=[e.as_dict() for e in errors[:MAX_STORED_ERRORS]], finished_at=utc_now())
            return
        if job["dry_run"]:
            await _set(runtime, job_id, status="validated", validated=len(body), would_create=len(plan.new),
                       skipped=plan.skipped, finished_at=utc_now())
            return
        await _set(runtime, job_id, status="writing", validated=len(body), skipped=plan.skipped)

        async def written(count: int, created: int) -> None:
            await _set(runtime, job_id, written=count, created=created)

        created, existing = await spec.write(runtime, plan, job_id, written)
        await _set(runtime, job_id, status="done", created=created, skipped=plan.skipped + existing,
                   written=len(plan.new), finished_at=utc_now())
    except Exception as exc:  # noqa: BLE001 - the job reports failure instead of vanishing
        log.exception("import job %s failed", job_id)
        await _set(runtime, job_id, status="failed", failure=f"导入失败，请重试 ({type(exc).__name__})",
                   finished_at=utc_now())


async def get_job(db: Any, job_id: str) -> dict[str, Any]:
    job = await db[IMPORT_JOBS].find_one({"_id": job_id})
    if job is None:
        raise Problem(404, f"导入任务不存在：{job_id} (unknown import job)", code="unknown-import")
    return job
