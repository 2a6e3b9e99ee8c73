"""HTTP: 包保 pairings — set, list, change and end (结束包保) a responsibility under a place."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import Field

from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.privacy import FreeText, MaskedName
from gongjian_shared.requests import RequestModel
from gongjian_shared.text import Folded

from ..service import assignments
from .access import PLACE_ADMINS, READERS, need_place, need_role

router = APIRouter(tags=["包保 assignments"])
HolderKind = Literal["leader", "unit", "member"]
TargetKind = Literal["community", "area", "group", "enterprise"]


# Titles name the fields as the console's 包保 form does (责任人, 包保对象): the shared glossary's
# holder_* labels name the holder of points (积分主体), no field this form shows.
class AssignmentIn(RequestModel):
    holder_kind: HolderKind = Field(title="责任人类型")
    holder_id: Folded | None = Field(None, title="责任人")
    holder_name: MaskedName = Field(min_length=1, max_length=100, title="责任人")
    target_kind: TargetKind = Field(title="包保对象类型")
    place_id: Folded = Field(description="包保对象所在地点（社区或其下级）")
    target_name: MaskedName = Field("", max_length=100, title="包保对象名称", description="片区、居民小组或企业名称")
    note: FreeText = Field("", max_length=300)


class AssignmentChange(RequestModel):
    holder_kind: HolderKind | None = Field(None, title="责任人类型")
    holder_id: Folded | None = Field(None, title="责任人")
    holder_name: MaskedName | None = Field(None, min_length=1, max_length=100, title="责任人")
    target_kind: TargetKind | None = Field(None, title="包保对象类型")
    target_name: MaskedName | None = Field(None, max_length=100, title="包保对象名称",
                                           description="片区、居民小组或企业名称")
    note: FreeText | None = Field(None, max_length=300)


class AssignmentEnd(RequestModel):
    reason: FreeText = Field("", max_length=300, description="结束包保的原因")


def _view(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "_id"} | {"id": doc["_id"]}


async def _for_admin(request: Request, principal, assignment_id: str, what: str) -> dict:
    """The pairing, if the principal is a place admin over its place (403 otherwise, 404 unknown)."""
    db = request.app.state.runtime.db
    doc = await assignments.get_assignment(db, assignment_id)
    await need_place(db, principal, doc["place_id"], PLACE_ADMINS, what)
    return doc


@router.post("/assignments", status_code=201, summary="包保责任 a responsibility assignment",
             **allow(*PLACE_ADMINS, place="body:place_id"))
async def assign(body: AssignmentIn, request: Request, principal: CurrentPrincipal) -> dict:
    """201 the pairing ``{id, holder_kind, holder_id, holder_name, target_kind, target_name, place_id, note,
    active, created_at}``; 403 place outside the caller's; 422 no target name (area/group/firm) or an
    unknown unit/member holder id."""
    db = request.app.state.runtime.db
    place = await need_place(db, principal, body.place_id, PLACE_ADMINS, "设置包保")
    return _view(await assignments.assign(db, **body.model_dump(exclude={"place_id"}), place=place, by=principal.sub))


@router.get("/assignments", summary="包保责任清单 assignments under a place or of a holder",
            **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def list_assignments(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                           holder_id: str | None = None) -> list[dict]:
    """The live (not ended) pairings under ``place_id`` or of ``holder_id`` (the holder itself may ask)."""
    db = request.app.state.runtime.db
    if place_id:
        await need_place(db, principal, place_id, (*READERS, "unit_admin"), "查看包保")
    elif not (holder_id and (principal.sub == holder_id or holder_id in principal.places)):
        need_role(principal, ("city_admin",), "查看全部包保")
    return [_view(d) for d in await assignments.assignments_of(db, place_id, holder_id)]


@router.patch("/assignments/{assignment_id}", summary="调整包保 change a pairing's holder, target or note",
              **allow(*PLACE_ADMINS, place="object"))
async def change_assignment(assignment_id: str, body: AssignmentChange, request: Request,
                            principal: CurrentPrincipal) -> dict:
    """200 the changed pairing (only the fields sent change; a leader holder drops its id); 403 outside
    the caller's places; 404 unknown; 409 already ended; 422 as on creation."""
    current = await _for_admin(request, principal, assignment_id, "调整包保")
    changes = body.model_dump(exclude_unset=True)
    return _view(await assignments.change(request.app.state.runtime.db, current, changes, by=principal.sub))


@router.post("/assignments/{assignment_id}/end", summary="结束包保 end a pairing (kept in the record)",
             **allow(*PLACE_ADMINS, place="object"))
async def end_assignment(assignment_id: str, body: AssignmentEnd, request: Request, principal: CurrentPrincipal) -> dict:
    """200 the ended pairing (``active`` false, ``ended_at``, ``ended_by``, ``end_reason``); it leaves the
    lists. 403 outside the caller's places; 404 unknown; 409 already ended."""
    current = await _for_admin(request, principal, assignment_id, "结束包保")
    return _view(await assignments.end(request.app.state.runtime.db, current, reason=body.reason, by=principal.sub))
