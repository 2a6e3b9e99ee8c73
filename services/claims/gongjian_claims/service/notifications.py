"""Notifications (提醒): reminders and supervision notices, one per recipient and cause.

The id is derived from the job that caused it and the recipient, so a job that runs
again after a crash cannot notify anyone twice.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.idempotency import insert_once

from ..adapters.store import NOTIFICATIONS


async def notify(db: Any, cause: str, recipient: str, *, kind: str, subject_id: str, text: str) -> bool:
    return await insert_once(db[NOTIFICATIONS], {"_id": f"{cause}|{recipient}", "recipient": recipient, "kind": kind,
                                                 "subject_id": subject_id, "text": text, "at": utc_now()})


async def for_principal(db: Any, sub: str, places: list[str], limit: int = 100) -> list[dict[str, Any]]:
    docs = await db[NOTIFICATIONS].find({"recipient": {"$in": [sub, *places]}}).sort("at", -1).limit(limit) \
        .to_list(None)
    return [{"id": d["_id"], **{k: d[k] for k in ("recipient", "kind", "subject_id", "text", "at")}} for d in docs]
