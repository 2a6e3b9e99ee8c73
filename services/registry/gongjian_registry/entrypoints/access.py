"""Who may do what, by role and place.

- city_admin: everything; district_admin: reads their district, manages its places and 包保;
- community_admin: manages their community's members, reports, records, units and places below;
- unit_admin (token places = unit ids): their unit and its members' unit-side data;
- member: their own record.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.auth import Principal
from gongjian_shared.problems import Problem

from ..service.places import get_place
from ..service.reporting import report_communities

MANAGERS = ("city_admin", "community_admin")
READERS = ("city_admin", "district_admin", "community_admin")
PLACE_ADMINS = ("city_admin", "district_admin", "community_admin")


def forbid(reason: str) -> Problem:
    return Problem(403, f"无权操作：{reason}", code="forbidden")


def need_role(principal: Principal, roles: tuple[str, ...], what: str) -> None:
    if principal.role not in roles:
        raise forbid(f"{what}需要角色 {'/'.join(roles)} (role {principal.role} not allowed)")


async def need_place(db: Any, principal: Principal, place_id: str, roles: tuple[str, ...], what: str) -> dict[str, Any]:
    """The principal has one of ``roles`` and acts for ``place_id``; returns the place."""
    need_role(principal, roles, what)
    place = await get_place(db, place_id)
    if not principal.acts_for(place["path"]):
        raise forbid(f"{what}超出您的管辖范围 (outside your places)")
    return place


def is_self(principal: Principal, member_id: str) -> bool:
    return principal.role == "member" and principal.sub == member_id


def is_unit_admin_of(principal: Principal, unit_id: str | None) -> bool:
    return principal.role == "unit_admin" and bool(unit_id) and unit_id in principal.places


async def acts_for_member(db: Any, principal: Principal, member: dict[str, Any], roles: tuple[str, ...]) -> bool:
    """An official in ``roles`` acting for the member's home or a community they reported to."""
    if principal.role not in roles:
        return False
    for community_id in report_communities(member):
        place = await db["places"].find_one({"_id": community_id}, {"path": 1})
        if place and principal.acts_for(place["path"]):
            return True
    return principal.role == "city_admin"


async def can_read_member(db: Any, principal: Principal, member: dict[str, Any]) -> bool:
    return (is_self(principal, member["_id"]) or is_unit_admin_of(principal, member.get("work_unit_id"))
            or await acts_for_member(db, principal, member, READERS))


async def need_read_member(db: Any, principal: Principal, member: dict[str, Any]) -> None:
    if not await can_read_member(db, principal, member):
        raise forbid("只能查看本人、本单位党员或管辖范围内的党员 (not your member)")
