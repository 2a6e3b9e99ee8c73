"""Two-way evaluation campaigns: opened by a district, graded by the parties, results at close."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from gongjian_shared.envelope import new_event, rfc3339
from gongjian_shared.outbox import stage_events, with_events
from gongjian_shared.problems import Problem
from gongjian_shared.topics import EVALUATION_REVIEWS

from ..adapters.store import CAMPAIGNS, safe_key
from ..domain.periods import parse_time
from ..domain.reviews import GRADES, needs_interview, result_grade

SOURCE = "gongjian/evaluation"


async def get_campaign(db: Any, campaign_id: str) -> dict[str, Any]:
    doc = await db[CAMPAIGNS].find_one({"_id": campaign_id}, {"outbox": 0, "outbox_pending": 0})
    if doc is None:
        raise Problem(404, f"评议活动不存在：{campaign_id} (unknown campaign)", code="unknown-campaign")
    return doc


async def listing(db: Any, *, district_id: str | None, year: int | None, limit: int, offset: int) -> dict[str, Any]:
    """``{total, items}``: ``limit`` campaigns from ``offset`` (public view, no grades), newest year
    first then by id; ``total`` counts every match."""
    flt = {k: v for k, v in (("district_id", district_id), ("year", year)) if v is not None}
    total = await db[CAMPAIGNS].count_documents(flt)
    docs = await db[CAMPAIGNS].find(flt, {"outbox": 0, "outbox_pending": 0}).sort([("year", -1), ("_id", 1)]) \
        .skip(offset).limit(limit).to_list(None)
    return {"total": total, "items": [public(d) for d in docs]}


async def open_campaign(ctx: Any, *, district_id: str, year: int, closes_at: datetime | None) -> dict[str, Any]:
    campaign_id = f"campaign-{district_id}-{year}"
    if await ctx.runtime.db[CAMPAIGNS].find_one({"_id": campaign_id}):
        raise Problem(409, f"该区{year}年度评议已开启 (campaign exists)", code="campaign-exists")
    now = ctx.clock.now()
    doc = {"_id": campaign_id, "district_id": district_id, "year": year, "status": "open",
           "opened_at": rfc3339(now), "closes_at": rfc3339(closes_at) if closes_at else None,
           "reviews": {}, "results": {}}
    await ctx.runtime.db[CAMPAIGNS].insert_one(with_events(doc, EVALUATION_REVIEWS, []))
    return public(doc)


def parties(ctx: Any, campaign: dict[str, Any], reviewer_id: str, reviewed_id: str) -> tuple[str, str]:
    """(reviewer kind, reviewed kind) if these two may grade each other in this campaign, else 403."""
    state = ctx.projector.state
    unit = state.holders.get(reviewed_id) or state.holders.get(reviewer_id)
    if unit is None or unit.kind != "unit":
        raise Problem(403, "只有结对的社区与驻区单位可以互评 (only paired community and unit may grade)")
    community = reviewer_id if unit.id == reviewed_id else reviewed_id
    if unit.home != community or campaign["district_id"] not in state.path_of(community):
        raise Problem(403, "只有结对的社区与驻区单位可以互评 (not a party of this pairing or district)")
    return ("community", "unit") if unit.id == reviewed_id else ("unit", "community")


async def submit(ctx: Any, campaign_id: str, *, reviewer_id: str, reviewed_id: str, grade: str,
                 comment: str, by: str) -> dict[str, Any]:
    if grade not in GRADES:
        raise Problem(422, "等次应为 好/较好/一般/差 (grade must be one of 好, 较好, 一般, 差)", code="bad-grade")
    campaign = await get_campaign(ctx.runtime.db, campaign_id)
    if campaign["status"] != "open":
        raise Problem(409, "评议已结束 (campaign closed)", code="campaign-closed")
    reviewer_kind, reviewed_kind = parties(ctx, campaign, reviewer_id, reviewed_id)
    key = safe_key(f"{reviewer_id}>{reviewed_id}")
    review = {"reviewer_id": reviewer_id, "reviewer_kind": reviewer_kind, "reviewed_id": reviewed_id,
              "reviewed_kind": reviewed_kind, "grade": grade, "comment": comment[:2000], "by": by,
              "submitted_at": rfc3339(ctx.clock.now())}
    # The grade stays private until the campaign closes: the event says only that a review was submitted.
    event = new_event(source=SOURCE, type="review.submitted", subject=reviewed_id,
                      data={"campaign_id": campaign_id, "year": campaign["year"], "district_id": campaign["district_id"],
                            **{k: review[k] for k in ("reviewer_id", "reviewer_kind", "reviewed_id", "reviewed_kind",
                                                      "submitted_at")}},
                      districtid=campaign["district_id"])
    update = stage_events({"$set": {f"reviews.{key}": review}}, EVALUATION_REVIEWS, [event])
    result = await ctx.runtime.db[CAMPAIGNS].update_one({"_id": campaign_id, "status": "open"}, update)
    if result.modified_count == 0:
        raise Problem(409, "评议已结束 (campaign closed)", code="campaign-closed")
    ctx.runtime.notify(CAMPAIGNS, campaign_id)
    return {"id": uuid.uuid5(uuid.NAMESPACE_URL, f"{campaign_id}/{key}").hex, **review}


async def close(ctx: Any, campaign_id: str) -> dict[str, Any]:
    """Grade every reviewed party, publish review.graded, raise unit_interview where it is due."""
    db = ctx.runtime.db
    campaign = await get_campaign(db, campaign_id)
    if campaign["status"] != "open":
        return public(campaign)
    received: dict[str, list[dict[str, Any]]] = {}
    for review in campaign["reviews"].values():
        received.setdefault(review["reviewed_id"], []).append(review)
    results, events = {}, []
    for reviewed_id, reviews in sorted(received.items()):
        grade, score = result_grade([r["grade"] for r in reviews])
        kind = reviews[0]["reviewed_kind"]
        results[safe_key(reviewed_id)] = {"reviewed_id": reviewed_id, "reviewed_kind": kind, "grade": grade,
                                          "score": score, "reviews": len(reviews)}
        events.append(new_event(source=SOURCE, type="review.graded", subject=reviewed_id, districtid=campaign["district_id"],
                                data={"campaign_id": campaign_id, "year": campaign["year"],
                                      "district_id": campaign["district_id"], "reviewed_id": reviewed_id,
                                      "reviewed_kind": kind, "grade": grade, "score": score, "reviews": len(reviews)}))
    now = rfc3339(ctx.clock.now())
    update = stage_events({"$set": {"status": "closed", "closed_at": now, "results": results}}, EVALUATION_REVIEWS, events)
    result = await db[CAMPAIGNS].update_one({"_id": campaign_id, "status": "open"}, update)
    if result.modified_count:
        ctx.runtime.notify(CAMPAIGNS, campaign_id)
        await interviews(ctx, campaign, results)
    return public(await get_campaign(db, campaign_id))


async def interviews(ctx: Any, campaign: dict[str, Any], results: dict[str, Any]) -> None:
    previous = await ctx.runtime.db[CAMPAIGNS].find({"year": campaign["year"] - 1, "status": "closed"},
                                                    {"results": 1}).to_list(None)
    last_year = {r["reviewed_id"]: r["grade"] for doc in previous for r in doc.get("results", {}).values()}
    for row in results.values():
        if row["reviewed_kind"] == "unit" and needs_interview(row["grade"], last_year.get(row["reviewed_id"])):
            unit = ctx.projector.state.holders.get(row["reviewed_id"])
            await ctx.alerts.raise_alert(
                "unit_interview", row["reviewed_id"], "unit", place=unit.home if unit else None,
                alert_id=f"unit_interview:{row['reviewed_id']}:{campaign['year']}",
                reason="连续两年评议为一般及以下，约谈主要领导 (graded 一般 or worse two years running)",
                details={"year": campaign["year"], "grade": row["grade"],
                         "previous_grade": last_year[row["reviewed_id"]], "campaign_id": campaign["_id"]})


async def close_due(ctx: Any) -> int:
    """Close the campaigns whose closing time has come (by the injected clock)."""
    now = ctx.clock.now()
    open_ = await ctx.runtime.db[CAMPAIGNS].find({"status": "open"}, {"closes_at": 1}).to_list(None)
    due = [d["_id"] for d in open_ if d.get("closes_at") and parse_time(d["closes_at"]) <= now]
    for campaign_id in due:
        await close(ctx, campaign_id)
    return len(due)


def public(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc["_id"], "district_id": doc["district_id"], "year": doc["year"], "status": doc["status"],
            "opened_at": doc.get("opened_at"), "closes_at": doc.get("closes_at"), "closed_at": doc.get("closed_at"),
            "reviews_submitted": len(doc.get("reviews", {}))}
