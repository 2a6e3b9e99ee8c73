"""Sessions: a short access token (the JWT every service verifies) and a refresh token.

The refresh token is random (256 bits), lives in an HttpOnly cookie and is stored only
as its SHA-256 with who it belongs to; sign-out marks it revoked. Each refresh looks the
person up again, so a deactivated member or a moved admin gets no new access token.
"""

from __future__ import annotations

import secrets
from typing import Any

from gongjian_shared.auth import issue_token
from gongjian_shared.localtime import later, now as current_time, zone
from gongjian_shared.problems import Problem

from ..adapters.store import REFRESH
from ..domain.codes import token_hash


def me_view(identity: dict[str, Any], roles: list[str] | None = None) -> dict[str, Any]:
    """The ``me`` of the contract: {sub, role, roles, places, name, timezone, member_id?, resident_id?, unit_id?}."""
    me = {"sub": identity["id"], "role": identity["role"], "roles": roles or [identity["role"]],
          "places": identity["places"], "name": identity["name"], "kind": identity["kind"],
          "timezone": zone().key}  # the deployment's zone (GONGJIAN_TIMEZONE): pages show local time in it
    if identity["kind"] in ("member", "resident"):
        me[f"{identity['kind']}_id"] = identity["id"]
    if identity.get("unit_id"):
        me["unit_id"] = identity["unit_id"]
    return me


def expired_session() -> Problem:
    return Problem(401, "登录已过期，请重新登录 (session expired or signed out)", code="session-expired")


class Sessions:
    def __init__(self, db: Any, settings: Any) -> None:
        self.db, self.settings = db, settings

    def access(self, identity: dict[str, Any], roles: list[str] | None = None) -> dict[str, Any]:
        token = issue_token(self.settings.jwt_secret, sub=identity["id"], role=identity["role"],
                            places=[p["id"] for p in identity["places"]], ttl_hours=self.settings.access_ttl_min / 60)
        return {"access_token": token, "token_type": "bearer", "expires_in": int(self.settings.access_ttl_min * 60),
                "me": me_view(identity, roles)}

    async def start(self, identity: dict[str, Any], via: str) -> str:
        """A new refresh token for ``identity`` (stored hashed); returns the token itself."""
        token = secrets.token_urlsafe(32)
        now = current_time()
        await self.db[REFRESH].insert_one({
            "_id": token_hash(token), "sub": identity["id"], "role": identity["role"], "via": via,
            "created_at": now, "expires_at": later(now, days=self.settings.refresh_ttl_days), "revoked_at": None})
        return token

    async def holder(self, token: str | None) -> dict[str, Any]:
        """The live session of a refresh token; 401 when unknown, expired or revoked."""
        if not token:
            raise expired_session()
        doc = await self.db[REFRESH].find_one({"_id": token_hash(token), "revoked_at": None,
                                               "expires_at": {"$gt": current_time()}})
        if doc is None:
            raise expired_session()
        return doc

    async def revoke(self, token: str | None) -> None:
        if token:
            await self.db[REFRESH].update_one({"_id": token_hash(token), "revoked_at": None},
                                              {"$set": {"revoked_at": current_time()}})
