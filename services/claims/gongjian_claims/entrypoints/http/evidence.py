"""HTTP: evidence (佐证材料) — upload to a fulfilment or a closing, list a demand's, download one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import StreamingResponse
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal, Principal
from gongjian_shared.problems import problem_responses

from ...domain.evidence import content_disposition
from ...service import evidence
from .common import CLAIMANT_ROLES, OFFICIALS, claimant, officials_acts_for, runtime

router = APIRouter(tags=["佐证材料 evidence"])
UPLOAD_ANSWERS = problem_responses(409, 413, 415, 422)
Upload = Annotated[UploadFile, File(title="佐证文件", description="照片（JPEG/PNG/WebP/HEIC）或文件（PDF/Word/Excel），"
                                                               "按文件内容识别类型；大小与数量上限见服务设置")]
EvidenceId = Annotated[str, Path(title="佐证材料", description="佐证材料编号 ev-…")]


async def _claimant_id(request: Request, principal: Principal) -> str | None:
    return (await claimant(request, principal))[0] if principal.role in CLAIMANT_ROLES else None


@router.post("/demands/{demand_id}/claims/{claim_id}/evidence", status_code=201,
             summary="上传服务佐证（照片或文件） attach evidence to a fulfilment (the claimant, before verification)",
             **allow(*CLAIMANT_ROLES, place="own", responses=UPLOAD_ANSWERS))
async def attach_to_fulfilment(demand_id: str, claim_id: str, file: Upload, request: Request,
                               principal: CurrentPrincipal) -> dict:
    claimant_id, _ = await claimant(request, principal)
    return await evidence.attach_to_fulfilment(runtime(request), demand_id=demand_id, claim_id=claim_id,
                                               claimant_id=claimant_id, upload=file, by=principal.sub)


@router.post("/demands/{demand_id}/evidence", status_code=201,
             summary="上传销号佐证 attach evidence to a demand's closing (officials of its place)",
             **allow(*OFFICIALS, place="object", responses=UPLOAD_ANSWERS))
async def attach_to_closing(demand_id: str, file: Upload, request: Request, principal: CurrentPrincipal) -> dict:
    return await evidence.attach_to_closing(runtime(request), demand_id=demand_id, upload=file, by=principal.sub,
                                            acts_for=officials_acts_for(principal))


@router.get("/demands/{demand_id}/evidence",
            summary="佐证材料列表 a demand's evidence (officials of its place: all; a claimant: theirs and the closing's)",
            **allow(*OFFICIALS, *CLAIMANT_ROLES, place="own|object"))
async def listing(demand_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    return await evidence.listing(runtime(request).db, demand_id=demand_id,
                                  claimant_id=await _claimant_id(request, principal),
                                  acts_for=officials_acts_for(principal))


@router.get("/evidence/{evidence_id}", summary="查看或下载佐证材料 the bytes of one piece (who may see it)",
            response_class=StreamingResponse,
            **allow(*OFFICIALS, *CLAIMANT_ROLES, place="own|object", responses={
                200: {"description": "文件内容 (the stored bytes)",
                      "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}))
async def download(evidence_id: EvidenceId, request: Request, principal: CurrentPrincipal,
                   attachment: bool = Query(False, title="下载", description="true：作为附件下载；默认在页面中显示")
                   ) -> StreamingResponse:
    doc, chunks = await evidence.open_piece(runtime(request), evidence_id=evidence_id,
                                            claimant_id=await _claimant_id(request, principal),
                                            acts_for=officials_acts_for(principal))
    headers = {"Content-Disposition": content_disposition(doc["filename"], inline=not attachment),
               "Content-Length": str(doc["size"]), "X-Content-Type-Options": "nosniff",
               "Cache-Control": "private, max-age=300", "Content-Security-Policy": "sandbox"}
    return StreamingResponse(chunks, media_type=doc["content_type"], headers=headers)
