"""Bulk import jobs for members and units: check everything, then write.

A job is a document the client polls for progress (``GET /imports/{id}``). Phases:
``validating`` (parse + check every row) → ``rejected`` (nothing written) or ``writing``
(batches via batch_outbox) → ``done``. A dry run stops after validating. What a bad row
does is the caller's choice (``on_bad_rows``): ``reject`` (default) refuses the whole file
with the list of errors; ``skip`` writes the valid rows and reports the bad ones. Rows
already registered with the same data are skipped, so a second import creates nothing new.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem

from ..adapters.sheets import SheetError, UnsupportedSheet, read_sheet
from ..adapters.store import IMPORT_JOBS
from ..domain.importing import TEXT_COLUMNS, RowError
from ..domain.sheet_layout import EXAMPLE_SKIPPED, find_header, is_example
from . import import_rows

log = logging.getLogger("gongjian.registry.import")
MAX_STORED_ERRORS = 20_000


async def start_job(runtime: Any, vault: Any, *, kind: str, content: bytes, filename: str, dry_run: bool,
                    by: str, acts_for: Any, on_bad_rows: str = "reject") -> dict[str, Any]:
    """Read the file (refused at once: Problem 422 ``unsupported-file-type`` unless .xlsx/.csv by name or
    .xlsx by signature, 422 ``malformed-file`` when unreadable), find its
    header row below any title rows, create the job and run it in the background; returns the job."""
    try:
        sheet = await asyncio.to_thread(read_sheet, content, filename)
    except UnsupportedSheet as exc:
        raise Problem(422, str(exc), code="unsupported-file-type") from exc
    except SheetError as exc:
        raise Problem(422, str(exc), code="malformed-file") from exc
    spec = import_rows.SPECS[kind]
    at, index, header_errors = find_header(sheet.rows, spec.headers, spec.required)
    text_columns = [(h, index[h]) for h in TEXT_COLUMNS if h in index]
    rows = [(r, row) for r, row in enumerate(sheet.rows) if r > at and any(row)]  # blank rows dropped
    notes = [{"row": r + 1, "column": "", "reason": EXAMPLE_SKIPPED} for r, row in rows if is_example(row)]
    body = [(r + 1, row, frozenset(h for h, c in text_columns if (r, c) in sheet.numbers))
            for r, row in rows if not is_example(row)]  # sheet row numbers
    job = {"_id": f"imp-{uuid.uuid4().hex[:12]}", "kind": kind, "file_name": filename, "dry_run": dry_run,
           "on_bad_rows": on_bad_rows, "header_row": at + 1,
           "status": "validating", "total": len(body), "validated": 0, "written": 0, "created": 0, "skipped": 0,
           "errors": [], "error_count": 0, "notes": notes, "by": by, "created_at": utc_now(), "finished_at": None}
    if header_errors or not body:
        errors = header_errors or [RowError(at + 2, "", "文件中没有数据行 (no data rows)")]
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
               body: list[tuple[int, list[str], frozenset[str]]], acts_for: Any) -> None:
    job_id = job["_id"]
    try:
        async def progress(validated: int) -> None:
            await _set(runtime, job_id, validated=validated)

        plan = await spec.validate(runtime.db, vault, body, index, acts_for, job_id, progress)
        errors = plan.errors
        report = {"error_count": len(errors), "errors": [e.as_dict() for e in errors[:MAX_STORED_ERRORS]],
                  "bad_rows": len({e.row for e in errors})}
        if errors and (job["on_bad_rows"] == "reject" or not plan.new):
            await _set(runtime, job_id, status="rejected", validated=len(body), **report, finished_at=utc_now())
            return
        if job["dry_run"]:
            await _set(runtime, job_id, status="validated", validated=len(body), would_create=len(plan.new),
                       skipped=plan.skipped, **report, finished_at=utc_now())
            return
        await _set(runtime, job_id, status="writing", validated=len(body), skipped=plan.skipped, **report)

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
