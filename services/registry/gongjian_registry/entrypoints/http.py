"""HTTP API of the registry: members (党员), dual reporting and records; other routers included."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import Field

from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.privacy import FreeText, MaskedName
from gongjian_shared.requests import RequestModel
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.text import Folded

from ..domain.members import MemberKindIn, ReportKindIn
from ..service import members, reporting
from . import http_assignments, http_imports, http_names, http_people, http_places, http_queries, http_units
from .access import MANAGERS, acts_for_member, forbid, is_self, is_unit_admin_of, need_place, need_read_member
from .views import member_view, receipt_view

router = APIRouter()
members_router = APIRouter(tags=["党员 members"])


class MemberIn(RequestModel):
    name: MaskedName = Field(min_length=1, max_length=50, title="姓名")
    kind: MemberKindIn = "in_service"
    specialties: list[Folded] = []
    home_community_id: Folded | None = None
    work_unit_id: Folded | None = None
    grid_id: Folded | None = None
    building_id: Folded | None = None
    phone: Folded | None = Field(None, description="手机号（加密存储，仅掩码显示）")
    id_number: Folded | None = Field(None, description="18位身份证号（校验、加密存储，用于查重）")


class MemberChange(RequestModel):
    phone: Folded | None = None
    specialties: list[Folded] | None = None
    kind: MemberKindIn | None = None
    grid_id: Folded | None = None
    building_id: Folded | None = None
    work_unit_id: Folded | None = None
    position: Folded | None = Field(None, max_length=50, description="单位职务 (unit-side)")


class ReportIn(RequestModel):
    community_id: Folded
    kind: ReportKindIn


class TransferIn(RequestModel):
    to_community_id: Folded
    reason: FreeText = Field("", max_length=200)


class DeactivateIn(RequestModel):
    reason: FreeText = Field(min_length=1, max_length=200)


class PerformanceIn(RequestModel):
    community_id: Folded
    rating: Folded = Field(pattern="^(优秀|良好|一般|较差)$")
    note: FreeText = Field(min_length=1, max_length=500)
    activity: FreeText | None = Field(None, max_length=100)


SELF_FIELDS = {"phone", "specialties"}
UNIT_FIELDS = {"position"}
STAFF_FIELDS = {"phone", "specialties", "kind", "grid_id", "building_id", "work_unit_id"}


def _rt(request: Request):
    return request.app.state.runtime


@members_router.post("/members", status_code=201, summary="登记党员 register a member",
                     **allow(*MANAGERS, place="body:home_community_id"))
async def register_member(body: MemberIn, request: Request, principal: CurrentPrincipal) -> dict:
    if principal.role not in MANAGERS:
        raise forbid("登记党员需要社区或市级管理员 (community or city staff only)")
    fields = body.model_dump(exclude={"phone", "id_number"})
    doc = await members.register_member(_rt(request), request.app.state.vault, fields=fields, id_number=body.id_number,
                                        phone=body.phone, acts_for=principal.acts_for)
    return member_view(doc, request.app.state.vault)


@members_router.get("/members/{member_id}", summary="查看党员 get a member (masked)",
                    **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def get_member(member_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    doc = await members.get_member(_rt(request).db, member_id)
    await need_read_member(_rt(request).db, principal, doc)
    return member_view(doc, request.app.state.vault)


@members_router.patch("/members/{member_id}", summary="修改党员信息 change a member (member.updated)",
                      **allow("member", "unit_admin", *MANAGERS, place="own|object"))
async def change_member(member_id: str, body: MemberChange, request: Request, principal: CurrentPrincipal) -> dict:
    db = _rt(request).db
    doc = await members.get_member(db, member_id)
    changes = body.model_dump(exclude_none=True)
    if is_self(principal, member_id):
        allowed = SELF_FIELDS
    elif is_unit_admin_of(principal, doc.get("work_unit_id")):
        allowed = UNIT_FIELDS
    elif await acts_for_member(db, principal, doc, MANAGERS):
        allowed = STAFF_FIELDS
    else:
        raise forbid("只能修改本人、本单位或本社区的党员 (not your member)")
    if denied := sorted(set(changes) - allowed):
        raise forbid(f"您不能修改这些字段：{'、'.join(denied)} (fields not yours to change)")
    return member_view(await members.update_member(_rt(request), request.app.state.vault, doc, changes),
                       request.app.state.vault)


@members_router.post("/members/{member_id}/reports", status_code=201,
                     summary="党员到社区报到 a member reports to a community (home or work)",
                     **allow("member", *MANAGERS, place="own|object"))
async def report(member_id: str, body: ReportIn, request: Request, principal: CurrentPrincipal) -> dict:
    db = _rt(request).db
    member = await members.get_member(db, member_id)
    if not is_self(principal, member_id):
        await need_place(db, principal, body.community_id, MANAGERS, "办理报到")
    receipt = await reporting.report_to_community(_rt(request), member, body.community_id, body.kind)
    return {"member_id": member_id, **receipt_view(receipt)}


@members_router.get("/members/{member_id}/reports", summary="党员的报到回执 a member's receipts",
                    **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def member_reports(member_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    doc = await members.get_member(_rt(request).db, member_id)
    await need_read_member(_rt(request).db, principal, doc)
    past = [h for h in doc.get("history", []) if h["type"] in ("reported", "report_closed")]
    return {"member_id": member_id, "current": {k: receipt_view(v) for k, v in (doc.get("reports") or {}).items()},
            "history": past}


@members_router.get("/members/{member_id}/history", summary="党员履历 a member's history",
                    **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def member_history(member_id: str, request: Request, principal: CurrentPrincipal) -> list[dict]:
    doc = await members.get_member(_rt(request).db, member_id)
    await need_read_member(_rt(request).db, principal, doc)
    return doc.get("history", [])


@members_router.post("/members/{member_id}/transfer", summary="转接到其他社区 transfer (member.transferred)",
                     **allow(*MANAGERS, place="object"))
async def transfer(member_id: str, body: TransferIn, request: Request, principal: CurrentPrincipal) -> dict:
    db = _rt(request).db
    doc = await members.get_member(db, member_id)
    if not doc.get("home_community_id"):
        raise forbid("该党员没有居住社区，无法转接 (no home community)")
    await need_place(db, principal, doc["home_community_id"], MANAGERS, "转出党员")
    doc = await members.transfer_member(_rt(request), doc, body.to_community_id, body.reason)
    return member_view(doc, request.app.state.vault)


@members_router.post("/members/{member_id}/deactivate", summary="停用党员 deactivate (member.deactivated)",
                     **allow(*MANAGERS, place="object"))
async def deactivate(member_id: str, body: DeactivateIn, request: Request, principal: CurrentPrincipal) -> dict:
    db = _rt(request).db
    doc = await members.get_member(db, member_id)
    if not await acts_for_member(db, principal, doc, MANAGERS):
        raise forbid("只有所在社区或市级管理员可以停用党员 (community or city staff only)")
    return member_view(await members.deactivate_member(_rt(request), doc, body.reason), request.app.state.vault)


@members_router.post("/members/{member_id}/performance", status_code=201,
                     summary="社区记录党员表现（双管制） the community records how a member performs",
                     **allow(*MANAGERS, place="body:community_id"))
async def record_performance(member_id: str, body: PerformanceIn, request: Request, principal: CurrentPrincipal) -> dict:
    db = _rt(request).db
    community = await need_place(db, principal, body.community_id, MANAGERS, "记录党员表现")
    doc = await members.get_member(db, member_id)
    return await reporting.record_performance(_rt(request), doc, community, by=principal.sub, rating=body.rating,
                                              note=body.note, activity=body.activity)


@members_router.get("/members/{member_id}/performance",
                    summary="党员在社区的表现记录（本人、所在单位、社区可查） performance record",
                    **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def performance(member_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    doc = await members.get_member(_rt(request).db, member_id)
    await need_read_member(_rt(request).db, principal, doc)
    records = sorted((doc.get("performance") or {}).values(), key=lambda r: r["at"])
    return {"member_id": member_id, "work_unit_id": doc.get("work_unit_id"), "records": records}


router.include_router(http_places.router)
router.include_router(http_people.router)  # /members/me before /members/{member_id}
router.include_router(members_router)
router.include_router(http_units.router)
router.include_router(http_queries.router)
router.include_router(http_assignments.router)
router.include_router(http_imports.router)
router.include_router(http_names.router)
