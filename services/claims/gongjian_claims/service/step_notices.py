"""Tell the resident who asked of each step of their wish or suggestion (办理进度告知); tell the
member (or unit) who served of the community's verdict on the service they recorded — approved,
or sent back (退回) with the community's reason, to record it again — and whoever a suggestion is
handed to (领办/代办/上门) that it is theirs.

Read from this service's own events (claims.wishes/demands/suggestions.v1), so every step
tells whoever takes it — approval, claim, fulfilment, verification, send-back, closing,
reopening — without each use case remembering to. The notice id is the event id and the
recipient: a redelivered event notices nobody twice. Texts never quote the resident's own
words (a title may hold an address); the mobile site links the item by its id.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import CloudEvent

from ..adapters.store import CLAIMS, DEMANDS, SUGGESTIONS
from ..domain.suggestions import MODES, OUTCOMES
from .notifications import notify

ASK = "解决了吗？请点开本条消息回答"


def _wish_text(event: CloudEvent) -> tuple[str, str] | None:
    """(kind, text) of a wish's step, or None for events the resident need not hear of."""
    t, d = event.short_type, event.data
    if t == "wish.approved":
        return "wish.approved", "您的微心愿已通过社区审核，等待党员认领"
    if t == "wish.rejected":
        return "wish.rejected", f"您的微心愿未通过审核：{d.get('reason') or '请联系社区'}"
    if t == "wish.answered" and d.get("reopened"):
        return "wish.reopened", "您反馈心愿未解决，已重新办理，认领党员将继续为您服务"
    if d.get("kind") != "wish" and not d.get("wish_id"):
        return None
    if t == "demand.claimed":
        return "wish.claimed", "您的微心愿已被党员认领，正在办理"
    if t == "demand.fulfilled":
        return "wish.fulfilled", "认领党员已登记完成您的微心愿，请确认是否达成"
    if t == "demand.verified":
        if d.get("approved"):
            return "wish.verified", "您的微心愿已核验完成"
        return "wish.sent_back", f"您的微心愿被退回重办：{d.get('reason') or '未达成'}"
    if t == "demand.closed" and d.get("outcome", "completed") == "completed":
        return "wish.closed", f"您的微心愿已办结。{ASK}"
    return None


def _suggestion_text(event: CloudEvent) -> tuple[str, str] | None:
    t, d = event.short_type, event.data
    if t == "suggestion.received":
        return "suggestion.received", "您的意见建议已受理"
    if t == "suggestion.assigned":
        return "suggestion.assigned", f"您的意见建议已交办（{MODES.get(d.get('mode'), '办理')}）"
    if t == "suggestion.resolved":
        return "suggestion.resolved", f"您的意见建议已办结（{OUTCOMES.get(d.get('outcome'), '已办结')}）。{ASK}"
    if t == "suggestion.answered" and d.get("reopened"):
        return "suggestion.reopened", "您反馈建议未解决，已重新办理"
    return None


AUDIENCES = {"member": "member", "unit": "unit", "official": "staff"}  # holder kind → notice recipient kind


def _carrier_step(event: CloudEvent) -> tuple[str, str, str, str] | None:
    """(recipient, audience, kind, text) for whoever carries the work, else None: the claimant of a
    verification's verdict (demand.verified), or the assignee a suggestion is handed to (suggestion.assigned,
    网下分头办: they act off line, the community records 办结)."""
    t, d = event.short_type, event.data
    if t == "suggestion.assigned" and d.get("assignee_id"):
        return (d["assignee_id"], AUDIENCES.get(d.get("assignee_kind"), "staff"), "suggestion.handed",
                f"社区交给您一条群众意见建议（{MODES.get(d.get('mode'), '办理')}），请及时办理，办结后告知社区")
    if t != "demand.verified" or not d.get("claimant_id"):
        return None
    audience = d.get("claimant_kind") or "member"
    if d.get("approved"):
        return d["claimant_id"], audience, "claim.approved", "您登记的服务已核验通过"
    if d.get("verified_by") == "resident":  # the resident's own words (the reason) stay off the notice
        return d["claimant_id"], audience, "claim.sent_back", "服务对象反馈心愿尚未达成，请继续办理后重新登记"
    return (d["claimant_id"], audience, "claim.sent_back",
            f"您登记的服务被社区退回：{d.get('reason') or '请联系社区'}。请补充后重新登记")


async def tell_carrier(runtime: Any, event: CloudEvent) -> bool:
    """Notice whoever carries the work of ``event`` (see _carrier_step); False when it is nobody's."""
    step = _carrier_step(event)
    if step is None:
        return False
    recipient, audience, kind, text = step
    return await notify(runtime, event.id, recipient, kind=kind, subject_id=event.subject, text=text,
                        audience=audience, community_id=event.communityid, district_id=event.districtid)


async def tell(runtime: Any, event: CloudEvent) -> bool:
    """Notice the person served of ``event``'s step; False when it is no step of theirs."""
    is_suggestion = event.short_type.startswith("suggestion.")
    step = _suggestion_text(event) if is_suggestion else _wish_text(event)
    if step is None:
        return False
    collection, person = (SUGGESTIONS, "author_id") if is_suggestion else (DEMANDS, "poster_id")
    doc = await runtime.db[collection].find_one({"_id": event.subject}, {person: 1, "district_id": 1})
    if not doc or not doc.get(person):
        return False  # a need the community raised itself: nobody asked
    kind, text = step
    where = {"community_id": event.communityid, "district_id": doc.get("district_id")}
    told = await notify(runtime, event.id, doc[person], kind=kind, subject_id=event.subject, text=text,
                        audience="resident", **where)
    if kind.endswith(".reopened"):  # whoever carries on hears it too
        for recipient, audience in (await _carriers(runtime.db, event, is_suggestion)).items():
            await notify(runtime, event.id, recipient, kind="claim.sent_back", subject_id=event.subject,
                         text="服务对象反馈“未解决”，事项已重新打开，请继续办理", audience=audience, **where)
    return told


async def _carriers(db: Any, event: CloudEvent, is_suggestion: bool) -> dict[str, str]:
    if is_suggestion:
        doc = await db[SUGGESTIONS].find_one({"_id": event.subject}, {"assignee_id": 1, "assignee_kind": 1})
        return {doc["assignee_id"]: doc.get("assignee_kind") or "member"} if doc and doc.get("assignee_id") else {}
    claims = await db[CLAIMS].find({"demand_id": event.subject, "status": {"$in": ["claimed", "verified"]}}) \
        .to_list(None)
    return {c["claimant_id"]: c.get("claimant_kind") or "member" for c in claims}
