"""Honest closure: the person served answers 解决了吗 on a closed wish or a resolved suggestion.

The answer, the reopening it causes and its event (``wish.answered`` / ``suggestion.answered``)
are one versioned change of the item (journal.py): two answers at once cannot both count,
and the figures (evaluation's satisfaction rate) read the event. Only the resident who asked
may answer — nobody answers for them, not even officials (domain/closure.py has the rule).
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.privacy import redact
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_SUGGESTIONS, CLAIMS_WISHES

from ..adapters import journal, seats
from ..adapters.store import CLAIMS, DEMANDS, SUGGESTIONS
from ..domain.closure import ANSWERS, reopens
from . import suggestions, wishes
from .common import changed_meanwhile, claims_of, suggestion_event, wish_event

WHAT = {"wish": "微心愿", "suggestion": "意见建议"}


def _check(kind: str, doc: dict[str, Any], served: str | None, sub: str, closed: bool) -> None:
    if not served or sub != served:
        raise Problem(403, f"只有提出该{WHAT[kind]}的居民本人可以回答“解决了吗” (only the person served may answer)",
                      code="not-the-person-served")
    if not closed:
        raise Problem(409, f"该{WHAT[kind]}尚未办结，办结后才能回答“解决了吗” (not closed yet)", code="not-closed-yet")
    if doc.get("answered_round") == doc.get("reopen_count", 0):
        raise Problem(409, "您已回答过本次办结的“解决了吗” (already answered)", code="already-answered")


def _answer(doc: dict[str, Any], answer: str, comment: str, closed_at: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The item's changes and the event data of one answer."""
    now, round_no = utc_now(), doc.get("reopen_count", 0)
    reopen = reopens(answer, closed_at, now)
    entry = {"round": round_no, "answer": answer, "comment": comment, "answered_at": now, "reopened": reopen}
    changes = {"answered_round": round_no, "answer": answer, "answers": [*(doc.get("answers") or []), entry]}
    if reopen:
        changes.update({"reopen_count": round_no + 1, "reopened_at": now})
    data = {"answer": answer, "answer_label": ANSWERS[answer], "round": round_no, "reopened": reopen,
            "comment": redact(comment), "days_after_closing": round((now - closed_at).total_seconds() / 86400, 2)}
    return changes, data


async def answer_wish(runtime: Any, *, wish_id: str, answer: str, comment: str, sub: str) -> dict[str, Any]:
    """``{wish_id, answer, answer_label, reopened, status}``; 403 unless the poster, 409 unless closed/once."""
    for _ in range(3):
        wish = await wishes.get_wish(runtime.db, wish_id)
        _check("wish", wish, wish.get("poster_id"), sub, wish["status"] == "closed")
        changes, data = _answer(wish, answer, comment, wish["closed_at"])
        if data["reopened"]:
            changes["status"] = "open"
        event = wish_event(wish, "wish.answered", data)
        done = await journal.change(runtime, DEMANDS, wish, changes, [(CLAIMS_WISHES, [event])])
        if done is not None:
            if data["reopened"]:
                await _redo_claims(runtime, wish)
            return {"wish_id": wish_id, **data, "status": done["status"]}
    raise changed_meanwhile()


async def _redo_claims(runtime: Any, wish: dict[str, Any]) -> None:
    """The claimant who fulfilled it carries on (退回重办): verified claims become open again, and each
    takes back a slot among its claimant's open claims (the max-open-claims rule counts it until it is
    done again). The claimant is not asked: the slot is taken even above the limit, which then
    refuses new claims until this one is done."""
    await seats.unseal(runtime.db, wish["_id"])
    for claim in await claims_of(runtime.db, wish["_id"]):
        if claim["status"] == "verified":
            load_id = await seats.reserve_load(runtime.db, claim["claimant_id"], claim["_id"], None)
            done = await journal.change(runtime, CLAIMS, claim, {"status": "claimed", "reopened_at": utc_now(),
                                                                 "load_id": load_id})
            if done is None:  # changed meanwhile: the slot is not this claim's to hold
                await seats.release_load(runtime.db, load_id, claim["_id"])


async def answer_suggestion(runtime: Any, *, suggestion_id: str, answer: str, comment: str,
                            sub: str) -> dict[str, Any]:
    """``{suggestion_id, answer, answer_label, reopened, status}``; 403 unless the author, 409 unless resolved/once."""
    for _ in range(3):
        doc = await suggestions.get(runtime.db, suggestion_id)
        _check("suggestion", doc, doc.get("author_id"), sub, doc["status"] == "resolved")
        changes, data = _answer(doc, answer, comment, doc["resolved_at"])
        if data["reopened"]:
            changes["status"] = "assigned" if doc.get("assignee_id") else "received"
        data["mode"] = doc.get("mode")
        event = suggestion_event(doc, "suggestion.answered", data)
        done = await journal.change(runtime, SUGGESTIONS, doc, changes, [(CLAIMS_SUGGESTIONS, [event])])
        if done is not None:
            return {"suggestion_id": suggestion_id, **data, "status": done["status"]}
    raise changed_meanwhile()
