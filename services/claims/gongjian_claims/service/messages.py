"""我的消息: the notices the in-app channel delivered to a person (the mobile site's message list)."""

from __future__ import annotations

from typing import Any

from ..adapters.store import INBOX

PERSONAL_ROLES = ("member", "resident")


def recipients_of(principal: Any) -> list[str]:
    """A member or resident reads what was sent to them; staff also what was sent to their places
    (a community's notices are its staff's, not its residents')."""
    if principal.role in PERSONAL_ROLES:
        return [principal.sub]
    return [principal.sub, *principal.places]


async def inbox(db: Any, principal: Any, limit: int = 50) -> dict[str, Any]:
    """``{unread, items: [{id, kind, kind_label, subject_id, text, issued_at, delivered_at, read}]}``, newest first."""
    flt = {"recipient": {"$in": recipients_of(principal)}}
    docs = await db[INBOX].find(flt).sort("delivered_at", -1).limit(limit).to_list(None)
    unread = await db[INBOX].count_documents({**flt, "read": False})
    keys = ("kind", "kind_label", "subject_id", "text", "issued_at", "delivered_at", "read")
    return {"unread": unread, "items": [{"id": d["_id"], **{k: d.get(k) for k in keys}} for d in docs]}


async def mark_read(db: Any, principal: Any, ids: list[str] | None) -> int:
    """Mark the caller's messages read (all, or those of ``ids``); the number marked now."""
    flt: dict[str, Any] = {"recipient": {"$in": recipients_of(principal)}, "read": False}
    if ids:
        flt["_id"] = {"$in": ids}
    result = await db[INBOX].update_many(flt, {"$set": {"read": True}})
    return result.modified_count
