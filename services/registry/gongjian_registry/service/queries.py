"""What staff ask: who reported where, reporting rates, a member's reports and history.

Rates are computed in one pass over the members' report fields (FerretDB has no $group
accumulators beyond $sum/$count, and its scans are the cost anyway), then rolled up the
place tree to streets.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ..adapters.store import MEMBERS, REPORT_KINDS, report_field
from ..domain.places import ancestor_of_kind

LIST_FIELDS = {"outbox": 0, "outbox_pending": 0, "history": 0, "performance": 0, "id_enc": 0, "phone_enc": 0}


async def community_members(db: Any, community_id: str, *, kind: str | None = None, specialty: str | None = None,
                            grid_id: str | None = None, reported: bool | None = None, report_kind: str | None = None,
                            name: str | None = None, limit: int | None = None,
                            offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """Members of a community (living there, or reported there: home or work), one page by id:
    (total matching, page of docs).

    One indexed equality per way of belonging (``home_community_id`` and the top-level copies
    of the report fields, adapters/store.py) rather than an ``$or`` over dotted paths, which
    scans every member; their union (a community's few hundred) is paged here.
    ``reported`` (with ``report_kind``, else either kind): whether they hold a receipt of this
    community. ``name``: a part of the name (the console's name picker), matched literally.
    """
    kinds = [report_kind] if report_kind else ["home", "work"]
    extra: dict[str, Any] = {}
    if kind:
        extra["kind"] = kind
    if specialty:
        extra["specialties"] = specialty
    if grid_id:
        extra["grid_id"] = grid_id
    if name:
        extra["name"] = {"$regex": re.escape(name)}
    ways = [report_field(k) for k in kinds] if reported else ["home_community_id", *map(report_field, REPORT_KINDS)]
    found: dict[str, dict[str, Any]] = {}
    for field in ways:
        for doc in await db[MEMBERS].find({field: community_id, **extra}, LIST_FIELDS).to_list(None):
            found[doc["_id"]] = doc
    docs = [found[k] for k in sorted(found)]
    if reported is False:
        docs = [d for d in docs if not any(d.get(report_field(k)) == community_id for k in kinds)]
    return len(docs), docs[offset:offset + limit] if limit else docs[offset:]


UNIT_SORTS = {"name": [("name", 1), ("_id", 1)], "-name": [("name", -1), ("_id", 1)],
              "registered_at": [("registered_at", 1), ("_id", 1)], "-registered_at": [("registered_at", -1), ("_id", 1)]}


async def unit_members(db: Any, unit_id: str, *, kind: str | None = None, reported: bool | None = None,
                       status: str | None = None, sort: str = "name", limit: int = 20,
                       offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """A unit's members (work unit = ``unit_id``), one page: (total matching, page of docs).

    ``reported``: whether they hold a work report (单位所在社区报到) receipt. The community's
    records of them (双管制 ``performance``) come along: their unit is who they are kept for.
    """
    query: dict[str, Any] = {"work_unit_id": unit_id}
    if kind:
        query["kind"] = kind
    if status:
        query["status"] = status
    if reported is not None:
        query["reports.work"] = {"$exists": reported}
    fields = {k: v for k, v in LIST_FIELDS.items() if k != "performance"}
    total = await db[MEMBERS].count_documents(query)
    docs = await db[MEMBERS].find(query, fields).sort(UNIT_SORTS[sort]).skip(offset).limit(limit).to_list(None)
    return total, docs


async def reporting_rates(db: Any, places: dict[str, dict[str, Any]], scope: list[str] | None) -> dict[str, Any]:
    """Per community: members living there (active) and how many reported home there;
    per street: the sums. ``scope`` limits to places under one of those ids (None = all)."""
    members = db[MEMBERS].find({"status": "active"}, {"home_community_id": 1, "reports": 1})
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # members, home reports, work reports received
    async for m in members:
        reports = m.get("reports") or {}
        if m.get("home_community_id"):
            totals[m["home_community_id"]][0] += 1
            if (reports.get("home") or {}).get("community_id") == m["home_community_id"]:
                totals[m["home_community_id"]][1] += 1
        if work := (reports.get("work") or {}).get("community_id"):
            totals[work][2] += 1
    communities, streets = [], defaultdict(lambda: [0, 0, 0])
    for pid, place in sorted(places.items()):
        if place["kind"] != "community" or (scope is not None and not set(scope) & set(place["path"])):
            continue
        n, home, work = totals.get(pid, [0, 0, 0])
        street = ancestor_of_kind(place["path"], place["path_kinds"], "street")
        communities.append({"community_id": pid, "name": place["name"], "street_id": street, "members": n,
                            "reported_home": home, "reported_work_here": work, "rate": _rate(home, n)})
        for i, v in enumerate((n, home, work)):
            streets[street][i] += v
    return {"communities": communities,
            "streets": [{"street_id": s, "name": places.get(s, {}).get("name"), "members": n, "reported_home": h,
                         "reported_work_here": w, "rate": _rate(h, n)} for s, (n, h, w) in sorted(streets.items())]}


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
