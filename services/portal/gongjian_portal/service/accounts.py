"""Who a phone, username or token subject is: members and residents (registry), staff (here).

An identity is ``{id, kind, role, name, active, places: [{id, name, kind}], unit_id?}``.
When one phone belongs to several (a community secretary who is also a member), sign-in
takes the one asked for, else the most senior role; all are listed in ``roles``.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.problems import Problem

from ..adapters.store import STAFF
from ..domain.codes import keyed_hash

SENIORITY = ("city_admin", "district_admin", "community_admin", "unit_admin", "member", "resident")


def no_account() -> Problem:
    return Problem(404, "该手机号未登记为党员、居民或工作人员，居民可自行注册 (no account for this phone)",
                   code="no-account")


class Accounts:
    def __init__(self, db: Any, registry: Any, settings: Any) -> None:
        self.db, self.registry, self.settings = db, registry, settings

    def staff_phone_index(self, phone: str) -> str:
        return keyed_hash(self.settings.phone_key, "staff-phone", phone)

    async def staff_identity(self, doc: dict[str, Any]) -> dict[str, Any]:
        refs = {p["id"]: p for p in await self.registry.places(doc.get("places") or [])}
        places = [refs.get(p) or {"id": p, "name": p, "kind": "unit" if doc["role"] == "unit_admin" else "place"}
                  for p in doc.get("places") or []]
        identity = {"id": doc["_id"], "kind": "staff", "role": doc["role"], "name": doc["name"],
                    "active": doc.get("active", True), "places": places}
        if doc["role"] == "unit_admin" and doc.get("places"):
            identity["unit_id"] = doc["places"][0]
        return identity

    async def by_phone(self, phone: str) -> list[dict[str, Any]]:
        staff = await self.db[STAFF].find({"phone_index": self.staff_phone_index(phone), "active": True}).to_list(10)
        found = [await self.staff_identity(d) for d in staff] + await self.registry.people_by_phone(phone)
        return [i for i in found if i.get("active")]

    async def by_id(self, person_id: str) -> dict[str, Any] | None:
        """The current identity of a token subject (roles and places may have changed)."""
        if person_id.startswith("staff-"):
            doc = await self.db[STAFF].find_one({"_id": person_id})
            return await self.staff_identity(doc) if doc else None
        return await self.registry.person(person_id)


def choose(identities: list[dict[str, Any]], role: str | None = None) -> dict[str, Any]:
    """The identity to sign in as; 404 no-account when there is none (or none with ``role``)."""
    candidates = [i for i in identities if role in (None, i["role"])]
    if not candidates:
        raise no_account()
    return min(candidates, key=lambda i: SENIORITY.index(i["role"]))


def roles_of(identities: list[dict[str, Any]]) -> list[str]:
    return sorted({i["role"] for i in identities}, key=SENIORITY.index)
