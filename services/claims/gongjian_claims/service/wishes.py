"""Micro-wishes (微心愿): a resident posts, the community approves, a member claims and
fulfils, the resident confirms.

A wish is a demand of kind "wish" whose id is the wish id: wish events go to
claims.wishes.v1 and, once approved, demand events to claims.demands.v1 — approval is
one change carrying both wish.approved and demand.published. The resident's free text
never travels in events (it may hold an address or a phone number).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from gongjian_shared.auth import OFFICIALS
from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_DEMANDS, CLAIMS_WISHES

from ..adapters import jobs, journal, projections
from ..adapters.store import DEMANDS
from ..domain.catalogue import MICRO_WISH_ITEM
from . import demands
from .common import changed_meanwhile, get_claim, get_demand, require_acts_for, wish_event
from .fulfilment import close, verify_claim
from .rules import community

CATEGORY = "困难帮扶"


async def post_wish(runtime: Any, *, community_id: str, title: str, description: str, poster_id: str,
                    acts_for: Any) -> dict[str, Any]:
    place = await community(runtime.db, community_id)
    require_acts_for(acts_for, place["path"], "提交")
    wish_id = f"wish-{uuid.uuid4().hex[:12]}"
    path = place["path"]
    doc = {"_id": wish_id, "kind": "wish", "wish_id": wish_id, "community_id": community_id,
           "community_name": place.get("name"), "path": path, **projections.levels(path), "category": CATEGORY, "item": MICRO_WISH_ITEM,
           "title": title, "description": description, "poster_id": poster_id, "status": "pending",
           "capacity": 1, "posted_at": utc_now()}
    event = wish_event(doc, "wish.posted", {"category": CATEGORY, "item": MICRO_WISH_ITEM,
                                            "street_id": doc["street_id"]})
    return await journal.create(runtime, DEMANDS, doc, [(CLAIMS_WISHES, [event])])


async def get_wish(db: Any, wish_id: str) -> dict[str, Any]:
    wish = await get_demand(db, wish_id)
    if wish.get("kind") != "wish":
        raise Problem(404, f"微心愿不存在：{wish_id} (unknown wish)", code="unknown-wish")
    return wish


async def decide(runtime: Any, *, wish_id: str, approved: bool, reason: str | None, due_at: datetime | None,
                 acts_for: Any) -> dict[str, Any]:
    """Approve (it becomes claimable: demand.published) or reject with a reason."""
    wish = await get_wish(runtime.db, wish_id)
    require_acts_for(acts_for, wish["path"], "审核")
    if wish["status"] != "pending":
        raise Problem(409, "该微心愿已审核 (wish already decided)", code="wish-already-decided")
    if approved:
        changes, events = await _approval(runtime, wish, due_at, acts_for)
    elif not (reason or "").strip():
        raise Problem(422, "驳回时必须说明原因 (a reason is required to reject)", code="reason-required")
    else:
        changes = {"status": "rejected", "reject_reason": reason, "decided_at": utc_now()}
        events = [(CLAIMS_WISHES, [wish_event(wish, "wish.rejected", {"reason": reason})])]
    done = await journal.change(runtime, DEMANDS, wish, changes, events)
    if done is None:
        raise changed_meanwhile()
    return done


async def _approval(runtime: Any, wish: dict[str, Any], due_at: datetime | None, acts_for: Any) -> tuple:
    spec = {"community_id": wish["community_id"], "category": CATEGORY, "item": MICRO_WISH_ITEM, "kind": "wish",
            "title": wish["title"], "capacity": 1, "due_at": due_at, "poster_id": wish["poster_id"],
            "wish_id": wish["_id"], "claimant_kinds": ["member"]}
    built = await demands.build(runtime.db, spec, acts_for=acts_for, demand_id=wish["_id"])
    await jobs.schedule(runtime.db, demands.supervision_jobs(built))
    changes = {k: built[k] for k in ("item_id", "item_specialty", "rules", "claim_opens_at", "claim_deadline",
                                     "due_at", "published_at")}
    changes.update({"status": "open", "decided_at": utc_now()})
    events = [(CLAIMS_WISHES, [wish_event(wish, "wish.approved", {"demand_id": wish["_id"]})]),
              (CLAIMS_DEMANDS, [demands.published_event(built)])]
    return changes, events


async def confirm(runtime: Any, *, wish_id: str, claim_id: str, satisfied: bool, comment: str, confirmer_id: str,
                  is_official: bool, acts_for: Any) -> dict[str, Any]:
    """The resident confirms the wish came true (verified, then closed), or sends it back."""
    db = runtime.db
    wish = await get_wish(db, wish_id)
    if not (confirmer_id == wish["poster_id"] or (is_official and acts_for(wish["path"]))):
        raise Problem(403, "只能由提交心愿的居民本人确认 (only the resident who posted it)", code="not-eligible")
    claim = await get_claim(db, wish_id, claim_id)
    if not satisfied and not comment.strip():
        raise Problem(422, "未达成时请说明原因 (say what is missing)", code="reason-required")
    by = "resident" if confirmer_id == wish["poster_id"] else "community"
    await verify_claim(runtime, wish, claim, satisfied, None if satisfied else comment, by)
    if satisfied:
        await close(runtime, wish, by)
    return {"wish_id": wish_id, "claim_id": claim_id, "status": "closed" if satisfied else "open",
            "satisfied": satisfied}


UNPUBLISHED = ("pending", "rejected")


def may_see(wish: dict[str, Any], principal: Any) -> bool:
    """The resident who posted it, or officials over its community; once approved it is a published demand."""
    return principal.sub == wish.get("poster_id") or (principal.role in OFFICIALS and principal.acts_for(wish["path"]))


def view(doc: dict[str, Any], **kw: Any) -> dict[str, Any]:
    out = demands.view(doc, **kw)
    out.update({"wish_id": doc["_id"], "posted_at": doc.get("posted_at"), "poster_id": doc.get("poster_id")})
    return out
