"""Helpers of the portal tests: a small city in the registry, phones, sign-in steps."""

from __future__ import annotations

import random
from typing import Any

import httpx
from gongjian_shared.testing import auth

CITY_ADMIN = auth("city_admin", sub="city-1")


def new_phone() -> str:
    return f"139{random.randrange(10**8):08d}"


class City:
    """A city in the registry: two communities (c1, c2) of one district, members with phones."""

    def __init__(self, registry: str) -> None:
        self.registry = registry
        self.ids: dict[str, str] = {}

    def build(self) -> City:
        with httpx.Client(base_url=self.registry, headers=CITY_ADMIN, timeout=30) as http:
            for key, kind, name, parent in (("city", "city", "同江市", None), ("district", "district", "城区", "city"),
                                            ("street", "street", "向阳街道", "district"),
                                            ("c1", "community", "新华社区", "street"),
                                            ("c2", "community", "东安社区", "street")):
                r = http.post("/places", json={"kind": kind, "name": name, "parent_id": self.ids.get(parent)})
                assert r.status_code == 201, r.text
                self.ids[key] = r.json()["id"]
        return self

    def member(self, community: str = "c1", name: str = "张三珠", phone: str | None = None,
               id_number: str | None = None) -> tuple[str, str]:
        """(member id, phone) of a new member living in ``community`` (with ``id_number`` if given)."""
        phone = phone or new_phone()
        r = httpx.post(f"{self.registry}/members", headers=CITY_ADMIN, timeout=30, json={
            "name": name, "home_community_id": self.ids[community], "phone": phone, "specialties": ["法律"],
            **({"id_number": id_number} if id_number else {})})
        assert r.status_code == 201, r.text
        return r.json()["id"], phone



def last_code(app: Any, phone: str) -> str:
    """The code the development sender sent to ``phone``."""
    from gongjian_portal.domain.phones import normalize_mobile

    return app.state.parts.sender.sent[normalize_mobile(phone)]


async def sign_in(client: httpx.AsyncClient, app: Any, phone: str, **extra: Any) -> httpx.Response:
    r = await client.post("/api/auth/sms-code", json={"phone": phone})
    assert r.status_code == 202, r.text
    return await client.post("/api/auth/sign-in", json={"phone": phone, "code": last_code(app, phone), **extra})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refresh_cookie(response: httpx.Response) -> str:
    """The refresh token from Set-Cookie (the test client keeps no Secure cookie over http)."""
    header = response.headers["set-cookie"]
    return header.split(";", 1)[0].split("=", 1)[1]
