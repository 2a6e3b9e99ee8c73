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
