"""HTTP: bulk publishing of demands with the claims already made on them (批量发布, per-row report)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal, require_role
from gongjian_shared.requests import RequestModel
from gongjian_shared.text import Folded
from gongjian_shared.validation import describe
from pydantic import Field, ValidationError

from ...service import bulk_publish
from .choices import ClaimantKindIn
from .common import OFFICIALS, runtime
from .demands import DemandIn

router = APIRouter(tags=["需求与认领 demands & claims"])
MAX_ROWS = 2000  # per request: a bigger list is sent in several requests (each is idempotent)


class BulkClaimIn(RequestModel):
    claimant_id: Folded = Field(min_length=1, max_length=100, title="认领人编号")
    claimant_kind: ClaimantKindIn = Field("member", title="认领人类型", description="member 党员；unit 单位")


class BulkDemandIn(DemandIn):
    ref: Folded = Field(min_length=1, max_length=100, title="行标识",
                        description="本行在来源清单中的编号：同一社区内唯一，重复提交不会重复发布")
    claims: list[BulkClaimIn] = Field(default_factory=list, max_length=1000, title="已有认领")


class BulkIn(RequestModel):
    rows: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_ROWS, title="需求行",
                                       description="每行同 POST /demands 的请求体，另加 ref（行标识）与 claims（已有认领）")


@router.post("/imports/demands", summary="批量发布需求及已有认领 bulk publish demands with their claims (officials)",
             **allow(*OFFICIALS, place="own"))
async def publish_many(body: BulkIn, request: Request, principal: CurrentPrincipal) -> dict:
    """Rows as POST /demands takes them plus ``ref`` and ``claims`` ([{claimant_id, claimant_kind}]), at most 2,000.

    Answers 200 ``{demands: new, existing: already there (a re-run), claims: new, errors: [{row, claim,
    code, detail}]}``: a bad row or a refused claim is reported (Chinese ``detail``, row numbers from 1)
    and the other rows are written. Each row's community must be one the caller acts for.
    """
    require_role(principal, *OFFICIALS)
    report, rows = bulk_publish.Report(), []
    for number, raw in enumerate(body.rows, start=1):
        try:
            row = BulkDemandIn.model_validate(raw)
        except ValidationError as exc:
            report.bad(number, "bad-row", "；".join(e["msg"] for e in describe(exc.errors())))
            continue
        if row.kind == "position" and row.period_end is None:
            report.bad(number, "bad-period", "服务岗位须注明岗位期限 period_end (a position needs a period)")
            continue
        rows.append((number, row.model_dump()))
    return await bulk_publish.publish_rows(runtime(request), rows, acts_for=principal.acts_for, report=report)
