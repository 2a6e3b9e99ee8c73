"""What an import checks rows against: places, units, specialties, people already there."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from ..adapters.store import MEMBERS, UNITS
from ..domain.importing import Refs
from .members import managed_specialties
from .places import all_places


async def load_refs(db: Any, acts_for: Any) -> Refs:
    places = await all_places(db)
    communities = {pid: p for pid, p in places.items() if p["kind"] == "community"}
    community_names: dict[str, list[str]] = defaultdict(list)
    for pid, p in communities.items():
        community_names[p["name"]].append(pid)
    sub = {pid: p for pid, p in places.items() if p["kind"] in ("grid", "building")}
    sub_names: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, p in sub.items():
        sub_names[(p["parent_id"], p["name"])].append(pid)
    units = {u["_id"]: u for u in await db[UNITS].find({}, {"name": 1, "paired_community_id": 1}).to_list(None)}
    return Refs(communities=communities, community_names=dict(community_names), places=sub,
                place_names=dict(sub_names), units=units, unit_names={u["name"]: uid for uid, u in units.items()},
                specialties=await managed_specialties(db), acts_for=acts_for)


async def existing_docs(db: Any, collection: str, ids: list[str], fields: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The documents among ``ids`` that exist. Lookups by _id are the only indexed reads
    on FerretDB/SQLite, so: none when the collection is empty, point reads for a few ids,
    one projected scan when the file is large compared with the collection."""
    count = await db[collection].estimated_document_count()
    if count == 0 or not ids:
        return {}
    if len(ids) * 4 < count:
        found: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), 64):
            docs = await asyncio.gather(*(db[collection].find_one({"_id": x}, fields) for x in ids[i:i + 64]))
            found.update({d["_id"]: d for d in docs if d})
        return found
    wanted = set(ids)
    return {d["_id"]: d async for d in db[collection].find({}, fields) if d["_id"] in wanted}


async def existing_members(db: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    return await existing_docs(db, MEMBERS, ids, {"name": 1, "home_community_id": 1})


async def existing_units(db: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    return await existing_docs(db, UNITS, ids, {"name": 1, "paired_community_id": 1})
