"""Revealing personal data to staff who must contact someone, and the audit log of it.

A community admin may see a member's or resident's name, phone and (members) ID-card number in
clear after giving a reason; the reveal is written to ``reveal_audit`` before the data is returned
(no entry, no data), one entry per reveal naming the fields it showed (never their values). The log is append-only: nothing in the code updates or deletes it. District and
city admins read it for their places (who, whose, when, why).
"""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.auth import Principal
from gongjian_shared.envelope import utc_now

from ..adapters.store import PLACES, REVEALS


async def reveal(db: Any, vault: Any, principal: Principal, *, subject: dict[str, Any], kind: str,
                 community_id: str, reason: str) -> dict[str, Any]:
    """Write the audit entry, then return {id, kind, name, phone, id_number, audit_id} in clear.

    ``id_number`` is the 18-character ID-card number, None when none is on record (residents give none).
    """
    community = await db[PLACES].find_one({"_id": community_id}, {"path": 1, "name": 1})
    id_number = vault.decrypt(subject.get("id_enc"))
    entry = {"_id": f"reveal-{uuid.uuid4().hex[:16]}", "at": utc_now(), "by": principal.sub, "by_role": principal.role,
             "subject_id": subject["_id"], "subject_kind": kind, "community_id": community_id,
             "community_name": (community or {}).get("name"), "path": (community or {}).get("path") or [community_id],
             "reason": reason, "fields": ["name", "phone"] + (["id_number"] if id_number else [])}
    await db[REVEALS].insert_one(entry)
    return {"id": subject["_id"], "kind": kind, "name": subject["name"], "phone": vault.decrypt(subject.get("phone_enc")),
            "id_number": id_number, "audit_id": entry["_id"]}


async def audit_log(db: Any, principal: Principal, *, place_id: str | None, subject_id: str | None,
                    limit: int, offset: int) -> dict[str, Any]:
    """Reveals within the principal's places (city admin: all), newest first."""
    query: dict[str, Any] = {}
    if principal.role != "city_admin":
        query["path"] = {"$in": principal.places}
    if place_id:
        query = {"$and": [query, {"path": place_id}]} if query else {"path": place_id}
    if subject_id:
        query["subject_id"] = subject_id
    total = await db[REVEALS].count_documents(query)
    docs = await db[REVEALS].find(query).sort("at", -1).skip(offset).limit(limit).to_list(None)
    return {"total": total, "items": [{("id" if k == "_id" else k): v for k, v in d.items() if k != "path"}
                                      for d in docs]}
