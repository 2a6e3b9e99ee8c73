"""Publishing demands (发布需求 / 服务岗位) and reading the lists."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.localtime import later
from gongjian_shared.mongo import IN_CHUNK
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..adapters import counters, jobs, journal, projections, seats
from ..adapters.store import CLAIMS, DEMANDS, RATINGS
from ..domain.counts import ALL
from ..domain.rules import RULE_FIELDS, effective_rules, kinds_for_item
from ..domain.supervision import deadline_jobs
from . import catalogue, specialties
from .claiming import view as claim_view
from .common import claims_of, demand_event, iso, require_acts_for
from .rules import community, get_rules

PUBLISHED_FIELDS = ("title", "item", "item_id", "capacity", "scope", "claimant_kinds", "required_specialties",
                    "max_open_claims", "claim_deadline", "due_at", "street_id", "wish_id", "resource_id",
                    "unit_id", "period_start", "period_end", "duty_date")


def _bad(detail: str, code: str) -> Problem:
    return Problem(422, detail, code=code)


def _times(spec: dict[str, Any], rules: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Claim window and due date from the spec, or from the rules' relative defaults."""
    opens = spec.get("claim_opens_at") or now
    due = spec.get("due_at") or spec.get("period_end")
    if due is None and rules.get("fulfil_within_days"):
        due = later(now, days=rules["fulfil_within_days"])
    deadline = spec.get("claim_deadline")
    if deadline is not None and due is not None and deadline > due:
        # Claiming after the work is due cannot be honoured (the newcomer pass of 2026-11-30).
        raise _bad("认领截止时间不能晚于完成期限 (claim_deadline must not be after due_at)", "bad-claim-window")
    if deadline is None and rules.get("claim_window_days"):
        deadline = later(opens, days=rules["claim_window_days"])
        if due is not None:
            deadline = min(deadline, due)  # a rule's default window never outlasts the work
    if deadline is None:
        deadline = due  # by default claims close when the work is due
    if due is not None and due <= now:
        raise _bad("完成期限必须晚于当前时间 (due_at must lie in the future)", "bad-deadline")
    if deadline is not None and deadline <= opens:
        raise _bad("认领截止时间必须晚于开始时间 (claim window is empty)", "bad-claim-window")
    if spec.get("period_start") and spec.get("period_end") and spec["period_end"] <= spec["period_start"]:
        raise _bad("岗位期限结束必须晚于开始 (period ends before it starts)", "bad-period")
    return {"claim_opens_at": opens, "claim_deadline": deadline, "due_at": due}


async def build(db: Any, spec: dict[str, Any], *, acts_for: Any, demand_id: str | None = None,
                status: str = "open") -> dict[str, Any]:
    """A demand document from a request: place checked, item resolved, rules frozen in."""
    return compose(spec, await resolve(db, spec, acts_for=acts_for), demand_id=demand_id, status=status)


async def resolve(db: Any, spec: dict[str, Any], *, acts_for: Any) -> dict[str, Any]:
    """What a demand takes from the database: its community (checked), item and rules.

    Problem 403/404/422 if the caller does not act for the community or an item, specialty
    or rule is unknown. Demands alike (same community, item, specialties, rule fields)
    resolve alike: bulk publishing resolves once per kind of row (bulk_publish.py).
    """
    place = await community(db, spec["community_id"])
    require_acts_for(acts_for, place["path"], "发布")
    item = await catalogue.resolve(db, spec["category"], spec["item"])
    await specialties.check(db, spec.get("required_specialties"))
    rules = effective_rules(await get_rules(db, spec["community_id"]), {k: spec.get(k) for k in RULE_FIELDS})
    if spec.get("claimant_kinds") is None:  # not said: the catalogue item's unit-only/member-only holds
        rules["claimant_kinds"] = kinds_for_item(rules["claimant_kinds"], item.get("claimant_kinds"))
    return {"place": place, "item": item, "rules": rules}


def compose(spec: dict[str, Any], resolved: dict[str, Any], *, demand_id: str | None = None,
            status: str = "open") -> dict[str, Any]:
    """The demand document from the request and what ``resolve`` found; 422 on bad times."""
    place, item, rules = resolved["place"], resolved["item"], dict(resolved["rules"])
    now = utc_now()
    path = place["path"]
    extra = {k: spec[k] for k in ("period_start", "period_end", "duty_date", "poster_id", "wish_id",
                                  "resource_id", "unit_id", "description") if spec.get(k) is not None}
    return {"_id": demand_id or f"demand-{uuid.uuid4().hex[:12]}", "kind": spec.get("kind", "need"),
            "community_id": spec["community_id"], "community_name": place.get("name"), "path": path,
            **projections.levels(path), "category": item["category"], "item": item["name"], "item_id": item["_id"],
            "item_specialty": item.get("specialty"), "title": spec["title"], "capacity": spec["capacity"],
            "rules": rules,
            **_times(spec, rules, now), "status": status, "published_at": now, **extra}


def published_event(demand: dict[str, Any]) -> Any:
    flat = {**demand, **demand["rules"]}
    return demand_event(demand, "demand.published", {k: iso(flat.get(k)) for k in PUBLISHED_FIELDS
                                                     if flat.get(k) is not None or k in ("claim_deadline", "due_at")})


def supervision_jobs(demand: dict[str, Any]) -> list[dict[str, Any]]:
    rules = demand["rules"]
    return deadline_jobs("demand", demand["_id"], demand.get("due_at"), now=utc_now(),
                         remind_before_hours=rules["remind_before_hours"],
                         escalate_after_hours=rules["escalate_after_hours"])


async def insert(runtime: Any, demand: dict[str, Any]) -> dict[str, Any]:
    """Create the demand with its demand.published event.

    Jobs go in first: a job whose demand never appeared finds nothing to do, while a
    demand without its jobs would never be supervised.
    """
    await jobs.schedule(runtime.db, supervision_jobs(demand))
    return await journal.create(runtime, DEMANDS, demand, [(CLAIMS_DEMANDS, [published_event(demand)])])


async def publish(runtime: Any, spec: dict[str, Any], *, acts_for: Any) -> dict[str, Any]:
    return await insert(runtime, await build(runtime.db, spec, acts_for=acts_for))


async def listing(db: Any, *, place_id: str | None, kinds: list[str] | None = None, status: str | None = None,
                  category: str | None = None, query: dict[str, Any] | None = None, limit: int = 50,
                  offset: int = 0, hidden: tuple[str, ...] = ()) -> dict[str, Any]:
    """A page of demands, newest first, with ``total``: ``{total, items: [view]}``.

    ``hidden``: statuses left out when ``status`` is not given (wishes under review, GET /demands).

    ``total`` comes from the counters (adapters/counters.py, exact, a few hundred small documents)
    when the filter is only the place (a city, district, street or community, or none) and kinds,
    status, category; any other filter (``query``) counts the matching demands (FerretDB decodes
    each: about 1.4 ms per demand, BENCHMARKS.md "The city's reads").
    """
    flt: dict[str, Any] = dict(query or {})
    where = await projections.scope(db, place_id) if place_id else {}
    flt.update(where)
    if kinds:
        flt["kind"] = {"$in": kinds}
    if status or hidden:
        flt["status"] = status or {"$nin": list(hidden)}
    if category:
        flt["category"] = category
    if not query and "path" not in where:
        total = await counters.total(db, place_id or ALL, kinds=kinds, status=flt.get("status"), category=category)
    else:
        total = await db[DEMANDS].count_documents(flt)
    docs = await db[DEMANDS].find(flt).sort("published_at", -1).skip(offset).limit(limit).to_list(None)
    return {"total": total, "items": await views(db, docs)}


async def claims_scope(db: Any, place_id: str, demand_scope: dict[str, Any]) -> dict[str, Any]:
    """The claims filter of a place whose demands' filter is ``demand_scope`` (``projections.scope``).

    Claims carry ``community_id`` and ``path``, not ``street_id``: a community is its id, a street
    the ``$in`` of its communities (both indexed); a district or the city matches ``path``, which
    FerretDB cannot answer from an index (BENCHMARKS.md, the city's reads).
    """
    if "community_id" in demand_scope:
        return {"community_id": place_id}
    if "street_id" in demand_scope:
        ids = [c["_id"] for c in await projections.communities_under(db, place_id)]
        if len(ids) <= IN_CHUNK:
            return {"community_id": {"$in": ids}}
    return {"path": place_id}


async def ids_with_claims(db: Any, place_id: str | None) -> list[str]:
    """Demands someone has taken on (项目清单): a claim that was not given back."""
    match: dict[str, Any] = {"status": {"$ne": "released"}}
    if place_id:
        match.update(await claims_scope(db, place_id, await projections.scope(db, place_id)))
    cursor = await db[CLAIMS].aggregate([{"$match": match}, {"$group": {"_id": "$demand_id", "n": {"$sum": 1}}}])
    return [row["_id"] for row in await cursor.to_list(None)]


async def views(db: Any, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Views of many demands, their free places counted in one query."""
    taken = await seats.taken_by_pool(db, [d["_id"] for d in docs])
    return [view(d, taken=taken.get(d["_id"], 0)) for d in docs]


VIEW_FIELDS = ("kind", "community_id", "community_name", "street_id", "category", "item", "item_id", "title",
               "description", "capacity", "claim_opens_at", "claim_deadline", "due_at", "status",
               "published_at", "period_start", "period_end", "duty_date", "wish_id", "resource_id", "unit_id",
               "overdue", "escalated", "closed_at", "totals", "reject_reason", "path",
               "posted_at", "decided_at")  # a wish's: when the resident posted it and when staff decided


def view(doc: dict[str, Any], *, taken: int = 0, claims: list[dict[str, Any]] | None = None,
         ratings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out = {"id": doc["_id"], **{k: doc.get(k) for k in VIEW_FIELDS if doc.get(k) is not None}}
    out["slots_left"] = 0 if doc.get("status") != "open" else max(doc.get("capacity", 0) - taken, 0)
    out["rules"] = doc.get("rules")
    out["claimant_kinds"] = (doc.get("rules") or {}).get("claimant_kinds")
    if claims is not None:
        out["claims"] = [claim_view(c) for c in claims]
    if ratings is not None:
        out["ratings"] = [{k: r[k] for k in ("score", "comment", "rated_at")} for r in ratings]
    return out


async def full_view(db: Any, doc: dict[str, Any]) -> dict[str, Any]:
    claims = await claims_of(db, doc["_id"])
    ratings = await db[RATINGS].find({"demand_id": doc["_id"]}).to_list(None)
    return view(doc, taken=await seats.seats_taken(db, doc["_id"]), claims=claims, ratings=ratings)
