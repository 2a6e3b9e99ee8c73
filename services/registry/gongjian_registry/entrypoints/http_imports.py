"""HTTP: bulk import (CSV / .xlsx) with progress and a downloadable error report; exports."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from gongjian_shared.access import allow
from gongjian_shared.answers import file_answers
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.localtime import compact_day, stored_utc
from gongjian_shared.problems import Problem

from ..adapters.sheets import write_csv, write_xlsx
from ..adapters.store import UNITS
from ..domain import importing, sheet_layout
from ..service import exports, imports, places
from .access import MANAGERS, READERS, forbid, need_role
from .views import job_view

router = APIRouter(tags=["批量导入导出 import/export"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERROR_HEADERS = ("行号", "列", "原因")
TEMPLATES = {"members": (importing.MEMBER_HEADERS, sheet_layout.MEMBER_EXAMPLE, "党员导入模板"),
             "units": (importing.UNIT_HEADERS, sheet_layout.UNIT_EXAMPLE, "驻区单位导入模板")}
OnBadRows = Literal["reject", "skip"]
ON_BAD_ROWS = Query("reject", title="错误行处理方式",
                    description="reject：任一行有错则整个文件不导入（默认）；skip：导入正确的行，错误行列入报告")


async def _start(kind: str, request: Request, principal, file: UploadFile, dry_run: bool, wait: bool,
                 on_bad_rows: str) -> dict:
    need_role(principal, MANAGERS, "批量导入")
    settings = request.app.state.settings
    content = await file.read(settings.max_upload_mb * 1024 * 1024 + 1)
    if len(content) > settings.max_upload_mb * 1024 * 1024:
        raise Problem(413, f"文件超过 {settings.max_upload_mb} MB (file too large)", code="file-too-large")
    runtime = request.app.state.runtime
    job = await imports.start_job(runtime, request.app.state.vault, kind=kind, content=content,
                                  filename=file.filename or "", dry_run=dry_run, by=principal.sub,
                                  acts_for=principal.acts_for, on_bad_rows=on_bad_rows)
    if wait:
        await imports.wait_for(runtime, job["_id"])
    return job_view(await imports.get_job(runtime.db, job["_id"]))


@router.post("/imports/members", status_code=202, summary="批量导入党员 import members from .xlsx or .csv",
             **allow(*MANAGERS, place="own"))
async def import_members(request: Request, principal: CurrentPrincipal, file: UploadFile = File(...),
                         dry_run: bool = Query(False, description="试导入：只校验，不写入"),
                         wait: bool = Query(False, description="等待完成再返回（小文件）"),
                         on_bad_rows: OnBadRows = ON_BAD_ROWS) -> dict:
    """Header row found below title rows; merged cells apply to every row they span; cells folded (NFKC)."""
    return await _start("members", request, principal, file, dry_run, wait, on_bad_rows)


@router.post("/imports/units", status_code=202, summary="批量导入驻区单位 import units from .xlsx or .csv",
             **allow(*MANAGERS, place="own"))
async def import_units(request: Request, principal: CurrentPrincipal, file: UploadFile = File(...),
                       dry_run: bool = Query(False), wait: bool = Query(False),
                       on_bad_rows: OnBadRows = ON_BAD_ROWS) -> dict:
    return await _start("units", request, principal, file, dry_run, wait, on_bad_rows)


@router.get("/imports/{kind}/template", summary="下载导入模板 .xlsx template: the headers and one example row",
            **allow(*MANAGERS, place="shared", why="templates", **file_answers(XLSX)))
async def import_template(kind: Literal["members", "units"], principal: CurrentPrincipal) -> Response:
    """An .xlsx whose columns are formatted as text (ID numbers keep all 18 digits), with the
    import's headers on row 1 and one example row (a synthetic ID with a valid checksum) marked
    "示例行，导入时自动跳过" in a 说明 column: an import skips that row and says so."""
    need_role(principal, MANAGERS, "下载导入模板")
    headers, example, name = TEMPLATES[kind]
    content = write_xlsx((*headers, sheet_layout.EXAMPLE_HEADER), [(*example, sheet_layout.EXAMPLE_MARK)],
                         sheet=name, text_columns=True)
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"{kind}-template.xlsx\"; filename*=UTF-8''{quote(name)}.xlsx"})


async def _own_job(request: Request, principal, job_id: str) -> dict:
    job = await imports.get_job(request.app.state.runtime.db, job_id)
    if job["by"] != principal.sub and principal.role != "city_admin":
        raise forbid("只能查看自己提交的导入任务 (not your import)")
    return job


@router.get("/imports/{job_id}", summary="导入进度与结果 progress and result of an import", **allow(*MANAGERS, place="own"))
async def get_import(job_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    return job_view(await _own_job(request, principal, job_id))


@router.get("/imports/{job_id}/errors", summary="下载错误报告 download the per-row error report (csv or xlsx)",
            **allow(*MANAGERS, place="own", **file_answers("text/csv", XLSX)))
async def import_errors(job_id: str, request: Request, principal: CurrentPrincipal,
                        format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    """Rows 行号、列、原因 with the reasons in Chinese only (the English gloss the API keeps for
    developers is dropped), named 导入错误报告-<local YYYYMMDD of the upload>."""
    job = await _own_job(request, principal, job_id)
    rows = [(e["row"], e["column"], importing.chinese_only(e["reason"])) for e in job.get("errors", [])]
    day = compact_day(stored_utc(job["created_at"]))
    return _file(rows, ERROR_HEADERS, f"{job_id}-errors", format, shown=f"导入错误报告-{day}")


def _file(rows, headers, name: str, format: str, shown: str | None = None) -> Response:
    """``name``: ASCII fallback file name; ``shown``: the Chinese name browsers save it under."""
    extra = f"; filename*=UTF-8''{quote(shown)}.{format}" if shown else ""
    if format == "csv":
        return Response(write_csv(headers, rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"{extra}'})
    return Response(write_xlsx(headers, rows), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"{extra}'})


async def _scope(request: Request, principal, community_id: str | None) -> tuple[dict, set[str] | None]:
    need_role(principal, READERS, "导出名单")
    db = request.app.state.runtime.db
    tree = await places.all_places(db)
    communities = {pid for pid, p in tree.items() if p["kind"] == "community" and principal.acts_for(p["path"])}
    if community_id:
        if community_id not in communities:
            raise forbid("导出超出您的管辖范围 (outside your places)")
        return tree, {community_id}
    return tree, None if principal.role == "city_admin" else communities


@router.get("/exports/members", summary="导出党员名单 export members (.xlsx or .csv, personal data masked)",
            **allow(*READERS, place="query:community_id", **file_answers("text/csv", XLSX)))
async def export_members(request: Request, principal: CurrentPrincipal, community_id: str | None = None,
                         format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    tree, scope = await _scope(request, principal, community_id)
    db = request.app.state.runtime.db
    unit_names = {u["_id"]: u["name"] for u in await db[UNITS].find({}, {"name": 1}).to_list(None)}
    rows = await exports.member_rows(db, request.app.state.vault, tree, unit_names, scope)
    return _file(rows, exports.MEMBER_EXPORT_HEADERS, "members", format, shown="党员名单")


@router.get("/exports/units", summary="导出驻区单位名单 export units (.xlsx or .csv)",
            **allow(*READERS, place="query:community_id", **file_answers("text/csv", XLSX)))
async def export_units(request: Request, principal: CurrentPrincipal, community_id: str | None = None,
                       format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    tree, scope = await _scope(request, principal, community_id)
    rows = await exports.unit_rows(request.app.state.runtime.db, tree, scope)
    return _file(rows, exports.UNIT_EXPORT_HEADERS, "units", format, shown="驻区单位名单")
