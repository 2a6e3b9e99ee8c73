"""Suggestions (意见建议): 网上听民意，网下分头办 — intake, triage, assignment, resolution.

Each step is a versioned change of the suggestion carrying its event (journal.py), so
two officials acting at once cannot both win. The resident's text stays in the
database: events carry ids, place, topic and mode only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_SUGGESTIONS

from ..adapters import journal, projections
from ..adapters.store import SUGGESTIONS
from ..domain.suggestions import MODES, OUTCOMES
from .common import changed_meanwhile, not_found, require_acts_for, require_known_holder, suggestion_event
from .rules import community


async def receive(runtime: Any, *, community_id: str, title: str, content: str, channel: str, author_id: str,
                  acts_for: Any) -> dict[str, Any]:
    place = await community(runtime.db, community_id)
    require_acts_for(acts_for, place["path"], "提交")
    path = place["path"]
    doc = {"_id": f"suggestion-{uuid.uuid4().hex[:12]}", "community_id": community_id, "path": path,
           "street_id": projections.street_of(path), "district_id": projections.district_of(path),
           "title": title, "content": content, "channel": channel, "author_id": author_id, "status": "received",
           "received_at": utc_now()}
    event = suggestion_event(doc, "suggestion.received", {"channel": channel, "street_id": doc["street_id"]})
    return await journal.create(runtime, SUGGESTIONS, doc, [(CLAIMS_SUGGESTIONS, [event])])


async def get(db: Any, suggestion_id: str) -> dict[str, Any]:
    doc = await journal.load(db, SUGGESTIONS, suggestion_id)
    if doc is None:
        raise not_found("意见建议", "unknown-suggestion", suggestion_id)
    return doc


async def _step(runtime: Any, doc: dict[str, Any], allowed: tuple[str, ...], changes: dict[str, Any],
                event: Any = None) -> dict[str, Any]:
    if doc["status"] not in allowed:
        raise Problem(409, "该意见建议当前状态不允许此操作 (not allowed in its current state)",
                      code="bad-suggestion-state")
    done = await journal.change(runtime, SUGGESTIONS, doc, changes, [(CLAIMS_SUGGESTIONS, [event])] if event else [])
    if done is None:
        raise changed_meanwhile()
    return done


async def triage(runtime: Any, *, suggestion_id: str, topic: str, urgency: str, note: str,
                 acts_for: Any) -> dict[str, Any]:
    doc = await get(runtime.db, suggestion_id)
    require_acts_for(acts_for, doc["path"], "分拣")
    fields = {"topic": topic, "urgency": urgency, "triage_note": note, "triaged_at": utc_now(), "status": "triaged"}
    return await _step(runtime, doc, ("received", "triaged"), fields)


async def assign(runtime: Any, *, suggestion_id: str, mode: str, assignee_id: str, assignee_kind: str,
                 due_at: datetime | None, acts_for: Any) -> dict[str, Any]:
    doc = await get(runtime.db, suggestion_id)
    require_acts_for(acts_for, doc["path"], "交办")
    await require_known_holder(runtime.db, assignee_kind, assignee_id, "承办方")
    fields = {"mode": mode, "assignee_id": assignee_id, "assignee_kind": assignee_kind, "due_at": due_at,
              "assigned_at": utc_now(), "status": "assigned"}
    event = suggestion_event(doc, "suggestion.assigned", {
        "mode": mode, "mode_label": MODES[mode], "assignee_id": assignee_id, "assignee_kind": assignee_kind,
        "topic": doc.get("topic")})
    return await _step(runtime, doc, ("received", "triaged", "assigned"), fields, event)


async def resolve(runtime: Any, *, suggestion_id: str, outcome: str, note: str, sub: str, places: list[str],
                  acts_for: Any) -> dict[str, Any]:
    doc = await get(runtime.db, suggestion_id)
    assignee = doc.get("assignee_id")
    if not (acts_for(doc["path"]) or (assignee and (assignee == sub or assignee in places))):
        raise Problem(403, "只有承办人或辖区工作人员可以办结 (only the assignee or officials)", code="not-assignee")
    now = utc_now()
    fields = {"outcome": outcome, "resolution_note": note, "resolved_at": now, "resolved_by": sub, "status": "resolved"}
    days = round((now - doc["received_at"]).total_seconds() / 86400, 2)
    event = suggestion_event(doc, "suggestion.resolved", {
        "outcome": outcome, "outcome_label": OUTCOMES[outcome], "mode": doc.get("mode"), "topic": doc.get("topic"),
        "days_to_resolve": days})
    return await _step(runtime, doc, ("received", "triaged", "assigned"), fields, event)


async def listing(db: Any, *, place_id: str | None, status: str | None, limit: int, offset: int,
                  author_id: str | None = None) -> dict[str, Any]:
    flt: dict[str, Any] = {"author_id": author_id} if author_id else {}
    if place_id:
        flt["path"] = place_id
    if status:
        flt["status"] = status
    total = await db[SUGGESTIONS].count_documents(flt)
    docs = await db[SUGGESTIONS].find(flt).sort("received_at", -1).skip(offset).limit(limit) \
        .to_list(None)
    return {"total": total, "items": docs}


async def counts(db: Any, place_id: str) -> dict[str, Any]:
    """Received and resolved per community under a place (a $group with $sum only)."""
    cursor = await db[SUGGESTIONS].aggregate([
        {"$match": {"path": place_id}},
        {"$group": {"_id": {"community_id": "$community_id", "status": "$status"}, "n": {"$sum": 1}}}])
    per: dict[str, dict[str, int]] = {}
    for row in await cursor.to_list(None):
        entry = per.setdefault(row["_id"]["community_id"], {"received": 0, "assigned": 0, "resolved": 0})
        entry["received"] += row["n"]
        if row["_id"]["status"] in ("assigned", "resolved"):
            entry["assigned" if row["_id"]["status"] == "assigned" else "resolved"] += row["n"]
    rows = [{"community_id": c, **v, "open": v["received"] - v["resolved"]} for c, v in sorted(per.items())]
    totals = {k: sum(r[k] for r in rows) for k in ("received", "assigned", "resolved", "open")}
    return {"place_id": place_id, "communities": rows, "totals": totals}
