"""HTTP: people who sign in (internal, for the portal), own data, reveals and their audit log."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import Field

from gongjian_shared.access import OFFICIALS, allow
from gongjian_shared.access import internal as service_only
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal, Principal
from gongjian_shared.internal import ServiceCaller
from gongjian_shared.privacy import FreeText, MaskedName, mask_name, mask_phone
from gongjian_shared.problems import Problem

from ..domain.idcard import PersonalDataError, normalize_phone
from ..service import members, people, reveals
from ..service.reporting import report_communities
from .access import forbid, need_place, need_role
from .views import member_view

router = APIRouter()
internal = APIRouter(prefix="/internal", tags=["内部 internal (portal)"])
REVEALERS = ("community_admin",)
AUDIT_READERS = ("city_admin", "district_admin")


class PhoneIn(RequestModel):
    phone: str = Field(description="手机号（门户已规范化）")


class ResidentIn(PhoneIn):
    name: MaskedName = Field(min_length=1, max_length=50)
    community_id: str


class RevealIn(RequestModel):
    reason: FreeText = Field(min_length=2, max_length=200, description="查看原因（如：联系核实服务时间），写入审计日志")


def _phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except PersonalDataError as exc:
        raise Problem(422, str(exc), code="bad-phone") from exc


@internal.post("/people/lookup", summary="按手机号查找党员与居民 who owns this phone (service token)",
               **service_only("门户登录时按手机号查人 the portal's sign-in"))
async def lookup(body: PhoneIn, request: Request, caller: ServiceCaller) -> dict:
    """{people: [{id, kind, role, name, active, places: [{id, name, kind}], unit_id?}]} — no phone in the answer."""
    db = request.app.state.runtime.db
    return {"people": await people.find_by_phone(db, request.app.state.vault, _phone(body.phone))}


@internal.get("/people/{person_id}", summary="人员身份（刷新令牌时） a person's identity (service token)",
              **service_only("门户刷新令牌 the portal's token refresh"))
async def identity(person_id: str, request: Request, caller: ServiceCaller) -> dict:
    return await people.identity(request.app.state.runtime.db, person_id)


@internal.post("/residents", status_code=201, summary="居民自主注册 register a resident (service token; 409 exists)",
               **service_only("门户居民注册 the portal's resident sign-up"))
async def register_resident(body: ResidentIn, request: Request, caller: ServiceCaller) -> dict:
    return await people.register_resident(request.app.state.runtime.db, request.app.state.vault,
                                           phone=_phone(body.phone), name=body.name.strip(),
                                           community_id=body.community_id)


@internal.get("/places", summary="地点名称 names of places by id (service token)",
              **service_only("门户显示地点名称 place names for the portal"))
async def place_refs(request: Request, caller: ServiceCaller, ids: str = "") -> list[dict]:
    return await people.place_refs(request.app.state.runtime.db, [i for i in ids.split(",") if i])


@internal.get("/communities", summary="社区列表（居民注册选择） communities by name (service token)",
              **service_only("门户注册选择社区 communities for sign-up"))
async def communities(request: Request, caller: ServiceCaller, q: str | None = None,
                      limit: int = Query(50, ge=1, le=200)) -> list[dict]:
    return await people.communities(request.app.state.runtime.db, q, limit)


@router.get("/members/me", tags=["党员 members"], summary="我的党员信息（本人可见明文） my own record, unmasked",
            **allow("member", place="own"))
async def my_member_record(request: Request, principal: CurrentPrincipal) -> dict:
    need_role(principal, ("member",), "查看本人信息")
    vault = request.app.state.vault
    doc = await members.get_member(request.app.state.runtime.db, principal.sub)
    return {**member_view(doc, vault), "name": doc["name"], "phone": vault.decrypt(doc.get("phone_enc")),
            "id_number": vault.decrypt(doc.get("id_enc"))}


@router.get("/residents/me", tags=["居民 residents"], summary="我的居民信息 my own resident record",
            **allow("resident", place="own"))
async def my_resident_record(request: Request, principal: CurrentPrincipal) -> dict:
    need_role(principal, ("resident",), "查看本人信息")
    doc = await people.get_resident(request.app.state.runtime.db, principal.sub)
    return {"id": doc["_id"], "name": doc["name"], "phone": request.app.state.vault.decrypt(doc["phone_enc"]),
            "community_id": doc["community_id"], "registered_at": doc["registered_at"]}


@router.get("/residents/{resident_id}", tags=["居民 residents"], summary="居民（掩码） a resident, masked (officials)",
            **allow(*OFFICIALS, place="object"))
async def resident(resident_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    doc = await people.get_resident(request.app.state.runtime.db, resident_id)
    _need_acts_for(principal, doc["path"], ("city_admin", "district_admin", "community_admin"))
    return {"id": doc["_id"], "name": mask_name(doc["name"]),
            "phone": mask_phone(request.app.state.vault.decrypt(doc["phone_enc"])), "community_id": doc["community_id"]}


def _need_acts_for(principal: Principal, path: list[str], roles: tuple[str, ...]) -> None:
    need_role(principal, roles, "查看居民")
    if not principal.acts_for(path):
        raise forbid("该居民不在您的管辖范围 (outside your places)")


@router.post("/members/{member_id}/reveal", tags=["个人信息 personal data"],
             summary="社区管理员查看党员姓名、手机号与身份证号（须说明原因，记入审计） reveal, audited",
             **allow(*REVEALERS, place="object", reveals=True))
async def reveal_member(member_id: str, body: RevealIn, request: Request, principal: CurrentPrincipal) -> dict:
    """{id, kind, name, phone, id_number, audit_id} in clear, after one audit entry is written (SECURITY.md, Audit);
    403 unless a community admin of a community the member reported to."""
    db = request.app.state.runtime.db
    need_role(principal, REVEALERS, "查看个人信息")
    doc = await members.get_member(db, member_id)
    community = await _revealing_community(db, principal, report_communities(doc))
    return await reveals.reveal(db, request.app.state.vault, principal, subject=doc, kind="member",
                                community_id=community, reason=body.reason.strip())


@router.post("/residents/{resident_id}/reveal", tags=["个人信息 personal data"],
             summary="社区管理员查看居民姓名与手机号（须说明原因，记入审计） reveal, audited",
             **allow(*REVEALERS, place="object", reveals=True))
async def reveal_resident(resident_id: str, body: RevealIn, request: Request, principal: CurrentPrincipal) -> dict:
    db = request.app.state.runtime.db
    doc = await people.get_resident(db, resident_id)
    _need_acts_for(principal, doc["path"], REVEALERS)
    return await reveals.reveal(db, request.app.state.vault, principal, subject=doc, kind="resident",
                                community_id=doc["community_id"], reason=body.reason.strip())


async def _revealing_community(db, principal: Principal, communities: list[str]) -> str:
    for community_id in communities:
        place = await db["places"].find_one({"_id": community_id}, {"path": 1})
        if place and principal.acts_for(place["path"]):
            return community_id
    raise forbid("该党员未在您管理的社区报到 (member not in your community)")


@router.get("/audit/reveals", tags=["个人信息 personal data"],
            summary="个人信息查看审计日志（区、市管理员） the reveal audit log (district/city admins)",
            **allow(*AUDIT_READERS, place="query:place_id"))
async def audit(request: Request, principal: CurrentPrincipal, place_id: str | None = None,
                subject_id: str | None = None, limit: int = Query(50, ge=1, le=500),
                offset: Offset = 0) -> dict:
    """{total, items: [{id, at, by, by_role, subject_id, subject_kind, community_id, community_name, reason}]}."""
    need_role(principal, AUDIT_READERS, "查看审计日志")
    if place_id:
        await need_place(request.app.state.runtime.db, principal, place_id, AUDIT_READERS, "查看审计日志")
    return await reveals.audit_log(request.app.state.runtime.db, principal, place_id=place_id, subject_id=subject_id,
                                   limit=limit, offset=offset)


router.include_router(internal)
