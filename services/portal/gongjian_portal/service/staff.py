"""Staff accounts (officials and unit admins) kept by the portal: sign-in data, not domain records.

A staff account has a role and places (as in the access token), and any of: a phone (SMS
sign-in; only its keyed hash is kept), a password (argon2id hash), an OIDC subject.
"""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem
from pymongo.errors import DuplicateKeyError

from ..adapters.passwords import hash_password
from ..adapters.store import STAFF

# The places each role may be given. Roles are fixed by contract (CONTRACTS.md); a street's staff are
# community admins whose place is the street (a place check passes for every community under it,
# gongjian_shared/auth.py), so a community admin's place is a community or a street, never higher:
# a district on a community admin's token would grant a district's reach under a community's role.
PLACE_KINDS = {"community_admin": ("community", "street"), "district_admin": ("district",),
               "city_admin": ("city",), "unit_admin": ("unit",)}
KIND_NAMES = {"city": "市", "district": "区（县）", "street": "街道", "community": "社区", "unit": "驻区单位",
              "grid": "网格", "building": "楼栋"}
ROLE_NAMES = {"community_admin": "社区管理员", "district_admin": "区级管理员", "city_admin": "市级管理员",
              "unit_admin": "单位管理员"}


async def check_places(registry: Any, principal: Any, role: str, places: list[str]) -> None:
    """Who may open an account for ``places``: a city admin anywhere; a district or community admin
    (a street's staff included) only at or under their own places (Principal.acts_for on the place's path)
    and never a city admin — else Problem 403 ``outside-places``. Every place must exist in the registry
    and be of a kind ``role`` may hold (PLACE_KINDS) — else Problem 422 ``unknown-place`` or ``place-kind``,
    the reason in Chinese. ``registry``: the portal's RegistryClient."""
    city = principal.role == "city_admin"
    if not city and (role == "city_admin" or not places):
        raise Problem(403, "只能为本人管辖的地点开通账号 (only within your places)", code="outside-places")
    if not places:
        return
    known = {p["id"]: p for p in await registry.places(places, with_path=True)}
    if not city and not all(p in known and principal.acts_for(known[p]["path"]) for p in places):
        raise Problem(403, "只能为本人管辖的地点开通账号 (only within your places)", code="outside-places")
    allowed = PLACE_KINDS[role]
    for place in places:
        found = known.get(place)
        if found is None:
            raise Problem(422, f"管辖地点不存在：{place} (unknown place)", code="unknown-place")
        if found["kind"] not in allowed:
            kinds = "或".join(KIND_NAMES[k] for k in allowed)
            raise Problem(422, f"{ROLE_NAMES[role]}的管辖地点须为{kinds}：{found['name']}是"
                               f"{KIND_NAMES.get(found['kind'], found['kind'])} (place kind does not fit the role)",
                          code="place-kind")


async def create_staff(db: Any, accounts: Any, *, username: str, name: str, role: str, places: list[str],
                       phone: str | None, password: str | None, oidc_sub: str | None, by: str) -> dict[str, Any]:
    doc = {"_id": f"staff-{uuid.uuid4().hex[:12]}", "username": username, "name": name, "role": role,
           "places": places, "active": True, "created_at": utc_now(), "created_by": by,
           "phone_index": accounts.staff_phone_index(phone) if phone else None,
           "password_hash": hash_password(password) if password else None, "oidc_sub": oidc_sub}
    try:
        await db[STAFF].insert_one(doc)
    except DuplicateKeyError as exc:
        raise Problem(409, f"用户名已存在：{username} (username taken)", code="username-taken") from exc
    return {"id": doc["_id"], "username": username, "name": name, "role": role, "places": places,
            "has_password": bool(password), "has_phone": bool(phone), "oidc_sub": oidc_sub}


async def by_username(db: Any, username: str) -> dict[str, Any] | None:
    return await db[STAFF].find_one({"username": username, "active": True})


async def by_oidc_subject(db: Any, subject: str) -> dict[str, Any] | None:
    return await db[STAFF].find_one({"oidc_sub": subject, "active": True})
