"""A small city with one object of each kind in community A, built through the services' own APIs.

Places: city C; district D1 with street S1 holding communities A (the objects' place) and
B (its sibling); district D2 with street S2 holding community X (another district). Each
community has a unit, a member reported to it and a resident. Objects live in A; tokens of
A, of B and of D2/X probe them (test_access_probe.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from gongjian_shared.auth import issue_token
from gongjian_shared.internal import issue_service_token
from gongjian_shared.localtime import add_days, today
from gongjian_shared.settings import DEV_JWT_SECRET
from gongjian_shared.testing import eventually

COMMUNITIES = {"A": "S1", "B": "S1", "X": "S2"}
SCHEDULE = {"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "08:00", "end": "10:00"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(2048)  # a photo as far as its magic bytes tell


def bearer(role: str, places: list[str], sub: str, *, secret: str = DEV_JWT_SECRET, ttl_hours: float = 2) -> dict:
    return {"Authorization": f"Bearer {issue_token(secret, sub=sub, role=role, places=places, ttl_hours=ttl_hours)}"}


def soon(days: float = 7) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def ago(days: float = 1) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


@dataclass
class World:
    urls: dict[str, str]
    client: httpx.AsyncClient
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    ids: dict[str, str] = field(default_factory=dict)
    personal: dict[str, dict[str, str]] = field(default_factory=dict)  # community → phone/id_number of its member

    def __getitem__(self, key: str) -> str:
        return self.ids[key]

    # -- tokens -----------------------------------------------------------------------------
    def tokens(self, context: str) -> dict[str, dict]:
        """Role → headers of someone in ``context``: "A" (the objects' own place and their
        owners), "B" (the sibling community) or "X" (another district)."""
        c = context
        district = self["D1"] if c in ("A", "B") else self["D2"]
        found = {
            "community_admin": bearer("community_admin", [self[c]], f"staff-{c}-{self.tag}"),
            "unit_admin": bearer("unit_admin", [self[f"U{c}"]], self[f"U{c}"]),
            "member": bearer("member", [], self[f"M{c}"]),
            "resident": bearer("resident", [self[c]], f"resident-{c}-{self.tag}"),
        }
        if c == "A":
            found["city_admin"] = bearer("city_admin", [], f"city-{self.tag}")
        if c != "B":  # B's district admin is A's too
            found["district_admin"] = bearer("district_admin", [district], f"district-{c}-{self.tag}")
        return found

    def resident(self, c: str = "A") -> str:
        return f"resident-{c}-{self.tag}"

    # -- building ---------------------------------------------------------------------------
    async def call(self, service: str, method: str, path: str, headers: dict, expect: int | tuple = (200, 201, 202),
                   **kw: Any) -> Any:
        r = await self.client.request(method, self.urls[service] + path, headers=headers, **kw)
        wanted = expect if isinstance(expect, tuple) else (expect,)
        assert r.status_code in wanted, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.headers.get("content-type", "").startswith("application/json") else r

    async def build(self) -> World:
        city = bearer("city_admin", [], "builder")
        t = self.tag
        for key, kind, parent in (("C", "city", None), ("D1", "district", "C"), ("D2", "district", "C"),
                                  ("S1", "street", "D1"), ("S2", "street", "D2"), ("A", "community", "S1"),
                                  ("B", "community", "S1"), ("X", "community", "S2")):
            self.ids[key] = f"{key.lower()}-{t}"
            await self.call("registry", "POST", "/places", city, json={
                "kind": kind, "name": f"{kind}{key}", "id": self.ids[key],
                "parent_id": self.ids[parent] if parent else None})
        for c in COMMUNITIES:
            staff = bearer("community_admin", [self[c]], f"staff-{c}-{t}")
            unit = await self.call("registry", "POST", "/units", staff, json={
                "name": f"单位{c}{t}", "kind": "enterprise", "paired_community_id": self[c]})
            self.ids[f"U{c}"] = unit["id"]
            member = await self.call("registry", "POST", "/members", staff, json={
                "name": f"党员{c}", "home_community_id": self[c], "work_unit_id": unit["id"],
                "specialties": ["法律"], **self.personal.get(c, {})})
            self.ids[f"M{c}"] = member["id"]
            await self.call("registry", "POST", f"/members/{member['id']}/reports", staff,
                            json={"community_id": self[c], "kind": "home"})
        spare = await self.call("registry", "POST", "/members", self.staff(), json={
            "name": "党员甲", "home_community_id": self["A"]})
        self.ids["M_spare"] = spare["id"]  # transferred and deactivated by the probes
        await self._wait_for_projections()
        await self._claims_objects()
        await self._registry_objects()
        await self._evaluation_objects()
        return self

    def staff(self, c: str = "A") -> dict:
        return bearer("community_admin", [self[c]], f"staff-{c}-{self.tag}")

    async def _wait_for_projections(self) -> None:
        city = bearer("city_admin", [], "builder")

        async def claims_knows() -> bool:
            r = await self.client.get(f"{self.urls['claims']}/matching/members/{self['MX']}/demands", headers=city)
            return r.status_code == 200 and "not reported" not in r.text

        async def evaluation_knows() -> bool:
            r = await self.client.get(f"{self.urls['evaluation']}/places/{self['X']}/stats", headers=city)
            return r.status_code == 200

        await eventually(claims_knows, timeout=90, interval=0.5)
        await eventually(evaluation_knows, timeout=90, interval=0.5)

    async def _claims_objects(self) -> None:
        staff, member = self.staff(), bearer("member", [], self["MA"])
        resident = bearer("resident", [self["A"]], self.resident())
        unit = bearer("unit_admin", [self["UA"]], self["UA"])
        need = {"community_id": self["A"], "category": "志愿服务", "item": "法律咨询", "title": "法律咨询进社区",
                "claimant_kinds": ["member", "unit"], "capacity": 20}
        for key in ("demand", "demand_closing"):
            self.ids[key] = (await self.call("claims", "POST", "/demands", staff, json=need))["id"]
        claim = await self.call("claims", "POST", f"/demands/{self['demand']}/claims", member)
        self.ids["claim"] = claim.get("id") or claim["claim_id"]
        piece = await self.call("claims", "POST", f"/demands/{self['demand']}/claims/{self['claim']}/evidence", member,
                                files={"file": ("服务照片.jpg", JPEG, "image/jpeg")})
        self.ids["evidence"] = piece["id"]
        await self.call("claims", "POST", f"/demands/{self['demand']}/claims/{self['claim']}/fulfilment", member,
                        json={"hours": 2, "note": "已完成"})
        await self.call("claims", "POST", f"/demands/{self['demand']}/claims/{self['claim']}/verification", staff,
                        json={"approved": True})
        link = await self.call("claims", "GET", f"/demands/{self['demand']}/check-in-link", staff)
        self.ids["checkin"] = link["token"]
        catalogue = await self.call("claims", "GET", "/catalogue", staff)
        self.ids["item"] = catalogue["categories"][0]["items"][0]["id"]
        self.ids["wish"] = (await self.call("claims", "POST", "/wishes", resident, json={
            "community_id": self["A"], "title": "想要一套课外书"}))["id"]
        self.ids["wish_open"] = (await self.call("claims", "POST", "/wishes", resident, json={
            "community_id": self["A"], "title": "想要一个书包"}))["id"]
        await self.call("claims", "POST", f"/wishes/{self['wish_open']}/decision", staff, json={"approved": True})
        wish_claim = await self.call("claims", "POST", f"/wishes/{self['wish_open']}/claims", member)
        self.ids["wish_claim"] = wish_claim.get("id") or wish_claim["claim_id"]
        self.ids["suggestion"] = (await self.call("claims", "POST", "/suggestions", resident, json={
            "community_id": self["A"], "title": "路灯坏了"}))["id"]
        meeting = await self.call("claims", "POST", "/meetings", staff, json={
            "place_id": self["A"], "title": "联席会议", "held_at": ago(),
            "decisions": [{"title": "修路灯", "owner_id": self["UA"], "owner_kind": "unit", "due_at": soon()}]})
        self.ids["meeting"], self.ids["task"] = meeting["id"], meeting["tasks"][0]["id"]
        await self._inspection()
        self.ids["resource"] = (await self.call("claims", "POST", "/resources", unit, json={
            "kind": "venue", "category": "志愿服务", "item": "法律咨询", "title": "会议室", "capacity": 10}))["id"]
        await self._position(staff)

    async def _position(self, staff: dict) -> None:
        """A position served in shifts every day 08:00–10:00; ``shift`` is the one two days ahead."""
        position = await self.call("claims", "POST", "/positions", staff, json={
            "community_id": self["A"], "category": "志愿服务", "item": "法律咨询", "title": "法律咨询岗",
            "capacity": 5, "period_end": soon(30)})
        self.ids["position"] = position["id"]
        await self.call("claims", "PUT", f"/positions/{position['id']}/schedule", staff, json=SCHEDULE)
        self.ids["shift"] = f"{position['id']}@{add_days(today(), 2).isoformat()}"
        link = await self.call("claims", "GET", f"/demands/{position['id']}/check-in-link", staff)
        self.ids["position_token"] = link["token"]

    async def _inspection(self) -> None:
        """A district inspection (督查) of A's unit with one rectification item (the unit reaches claims via Kafka)."""
        district = bearer("district_admin", [self["D1"]], f"district-A-{self.tag}")
        body = {"target_kind": "unit", "target_id": self["UA"], "inspected_at": ago(), "findings": ["台账不全"],
                "rectifications": [{"title": "补齐台账", "deadline": soon()}]}

        async def recorded() -> Any:
            r = await self.client.post(f"{self.urls['claims']}/inspections", json=body, headers=district)
            return r.json() if r.status_code == 201 else None

        inspection = await eventually(recorded, timeout=90, interval=0.5)
        self.ids["inspection"], self.ids["rectification"] = inspection["id"], inspection["items"][0]["id"]

    async def _registry_objects(self) -> None:
        staff = self.staff()
        portal = {"Authorization": f"Bearer {issue_service_token(DEV_JWT_SECRET, 'portal')}"}
        resident = await self.call("registry", "POST", "/internal/residents", portal, json={
            "phone": f"137{int(self.tag, 16) % 10**8:08d}", "name": "居民甲", "community_id": self["A"]})
        self.ids["resident_record"] = resident["id"]
        self.ids["team"] = (await self.call("registry", "POST", "/teams", staff, json={
            "name": "法律服务队", "specialty": "法律", "community_id": self["A"]}))["id"]
        self.ids["assignment"] = (await self.call("registry", "POST", "/assignments", staff, json={
            "holder_kind": "unit", "holder_id": self["UA"], "holder_name": "单位甲", "target_kind": "community",
            "place_id": self["A"]}))["id"]  # changed, then ended (结束包保), by the probes
        job = await self.call("registry", "POST", "/imports/units?dry_run=true&wait=true", staff, files={
            "file": ("units.csv", f"单位名称,单位类型,结对社区\n单位Z,企事业单位,{self['A']}\n".encode(), "text/csv")})
        self.ids["job"] = job["id"]
        self.ids["UA_month"] = "2026-01"  # a past month's report for the community to confirm (确认)
        await self.call("registry", "POST", f"/units/{self['UA']}/reports", staff,
                        json={"month": self["UA_month"], "summary": "一月开展共建活动"})

    async def _evaluation_objects(self) -> None:
        city = bearer("city_admin", [], "builder")
        year = datetime.now(UTC).year
        self.ids["year"] = str(year)
        campaign = await self.call("evaluation", "POST", "/campaigns", city,
                                   json={"district_id": self["D1"], "year": year})
        self.ids["campaign"] = campaign["id"]

        async def awarded() -> str | None:  # the verified claim's points reach evaluation over Kafka
            r = await self.client.get(f"{self.urls['evaluation']}/holders/{self['MA']}/points", headers=city)
            entries = r.json().get("entries") if r.status_code == 200 else None
            return entries[0]["id"] if entries else None

        self.ids["entry"] = await eventually(awarded, timeout=90, interval=0.5)
