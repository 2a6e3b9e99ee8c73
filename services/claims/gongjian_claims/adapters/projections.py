"""Reads of the registry projections: places, members and units (tolerant, local copies)."""

from __future__ import annotations

from typing import Any

from ..domain.rules import Claimant
from .store import MEMBERS, PLACES, UNITS


async def place(db: Any, place_id: str) -> dict[str, Any] | None:
    return await db[PLACES].find_one({"_id": place_id})


def street_of(path: list[str]) -> str | None:
    """city → district → street → community: a community's street is its parent."""
    return path[-2] if len(path) >= 4 else None


def district_of(path: list[str]) -> str | None:
    return path[1] if len(path) >= 2 else None


def levels(path: list[str]) -> dict[str, str | None]:
    """The ancestors of a community as scalar fields (city_id, district_id, street_id).

    Lists filter on these rather than on ``path``: FerretDB answers only top-level scalar
    equality from an index, never a match inside an array (BENCHMARKS.md, the city's reads).
    """
    return {"city_id": path[0] if path else None, "district_id": district_of(path), "street_id": street_of(path)}


LEVEL_FIELDS = {"city": "city_id", "district": "district_id", "street": "street_id", "community": "community_id"}


async def scope(db: Any, place_id: str) -> dict[str, str]:
    """The filter for documents under ``place_id``: its level's scalar field, ``path`` for other places."""
    found = await db[PLACES].find_one({"_id": place_id}, {"kind": 1})
    field = LEVEL_FIELDS.get((found or {}).get("kind"))
    return {field: place_id} if field else {"path": place_id}


async def streets_of(db: Any, communities: set[str]) -> frozenset[str]:
    if not communities:
        return frozenset()
    docs = await db[PLACES].find({"_id": {"$in": sorted(communities)}}, {"path": 1}).to_list(None)
    return frozenset(s for s in (street_of(d["path"]) for d in docs) if s)


_UNREAD = object()


async def load_claimant(db: Any, claimant_id: str, kind: str, *, with_streets: bool = True,
                        doc: Any = _UNREAD) -> Claimant:
    """The claimant as eligibility sees it; ``doc``: its projection document if already read."""
    if kind == "unit":
        return await _unit(db, claimant_id, with_streets, doc)
    if doc is _UNREAD:
        doc = await db[MEMBERS].find_one({"_id": claimant_id})
    if doc is None or not doc.get("communities"):
        return Claimant(claimant_id, "member", known=False, specialties=frozenset((doc or {}).get("specialties") or []))
    communities = set(doc["communities"])
    reports = doc.get("by_kind") or {}
    return Claimant(claimant_id, "member", active=doc.get("active", True), communities=frozenset(communities),
                    streets=await streets_of(db, communities) if with_streets else frozenset(),
                    specialties=frozenset(doc.get("specialties") or []),
                    home_community=reports.get("home") or doc.get("home_community_id"),
                    work_community=reports.get("work"))


async def _unit(db: Any, unit_id: str, with_streets: bool, doc: Any) -> Claimant:
    if doc is _UNREAD:
        doc = await db[UNITS].find_one({"_id": unit_id})
    if doc is None:
        return Claimant(unit_id, "unit", known=False)
    communities = set(doc.get("reported_communities") or [])
    if doc.get("paired_community_id"):
        communities.add(doc["paired_community_id"])
    return Claimant(unit_id, "unit", active=doc.get("active", True), communities=frozenset(communities),
                    streets=await streets_of(db, communities) if with_streets else frozenset(),
                    home_community=doc.get("paired_community_id"))


async def communities_under(db: Any, place_id: str) -> list[dict[str, Any]]:
    return await db[PLACES].find({"path": place_id, "kind": "community"}).to_list(None)


async def masked_names(db: Any, member_ids: list[str]) -> dict[str, str]:
    docs = await db[MEMBERS].find({"_id": {"$in": member_ids}}, {"name_masked": 1}).to_list(None)
    return {d["_id"]: d.get("name_masked") or "" for d in docs}
