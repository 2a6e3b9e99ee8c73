"""Notifications (提醒/通知): one notice per recipient and cause, stored and published.

The id is derived from the cause (a job, a step of a wish…) and the recipient, so a job
that runs again after a crash cannot notify anyone twice. Each notice is a journalled
aggregate (adapters/journal.py): the stored notice and its ``notice.issued`` event on
claims.notices.v1 are written as one journal entry, unique by notice id, and the outbox
relay publishes it at least once; channels (SMS, WeChat, the in-app list) read the topic.
The text is Chinese for people; phone and ID-card numbers are masked before it is stored
or travels (gongjian_shared.privacy), and no name or address is put into it by callers.
"""

from __future__ import annotations

import weakref
from typing import Any

from gongjian_shared.envelope import new_event, utc_now
from gongjian_shared.privacy import redact
from gongjian_shared.runtime import ServiceRuntime
from gongjian_shared.topics import CLAIMS_NOTICES
from pymongo.errors import DuplicateKeyError

from ..adapters import journal
from ..adapters.store import NOTIFICATIONS
from ..domain.notices import kind_label, notice_id
from .common import SOURCE, iso
from .messages import recipients_of

# The runtime that owns a database handle, so a caller holding only ``db`` still wakes the relay.
_RUNTIMES: weakref.WeakValueDictionary[Any, Any] = weakref.WeakValueDictionary()


def bind(runtime: Any) -> None:
    """Called at start-up: notices written through ``runtime.db`` are published at once."""
    _RUNTIMES[runtime.db] = runtime


class _Unbound:
    """A database without its runtime: the relay's periodic sweep publishes what is written."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def notify(self, *_: Any) -> None:
        return None


def _runtime(target: Any) -> Any:
    if isinstance(target, ServiceRuntime):
        return target
    return _RUNTIMES.get(target) or _Unbound(target)


async def notify(target: Any, cause: str, recipient: str, *, kind: str, subject_id: str, text: str,
                 audience: str | None = None, community_id: str | None = None,
                 district_id: str | None = None) -> bool:
    """Store and publish one notice; False if this cause already noticed this recipient.

    ``target`` is the service runtime (or its ``db``). ``recipient`` is a member, unit or
    resident id, or a place id (its staff); ``audience`` says which (domain/notices.py
    RECIPIENT_KINDS), ``kind`` what it is about (``demand.remind``…), ``text`` the Chinese
    sentence shown and sent. Emits ``gongjian.notice.issued`` keyed by the notice id.
    """
    runtime = _runtime(target)
    nid, now, text = notice_id(cause, recipient), utc_now(), redact(text)
    doc = {"_id": nid, "recipient": recipient, "audience": audience, "kind": kind, "subject_id": subject_id,
           "text": text, "community_id": community_id, "at": now}
    event = new_event(source=SOURCE, type="notice.issued", subject=nid, communityid=community_id,
                      districtid=district_id, data={
                          "notice_id": nid, "recipient_id": recipient, "recipient_kind": audience, "kind": kind,
                          "kind_label": kind_label(kind), "subject_id": subject_id, "text": text,
                          "community_id": community_id, "issued_at": iso(now)})
    try:
        await journal.create(runtime, NOTIFICATIONS, doc, [(CLAIMS_NOTICES, [event])])
    except DuplicateKeyError:
        await journal.roll_forward(runtime.db, NOTIFICATIONS, nid)  # a crash between the two writes
        return False
    return True


async def for_principal(db: Any, principal: Any, limit: int = 100) -> list[dict[str, Any]]:
    """The caller's notices, newest first: ``[{id, kind_label, recipient, kind, subject_id, text, at}]``.

    A member or resident reads only what was sent to them; a notice to a place is its staff's
    (messages.recipients_of), never its residents' or reporting members'.
    """
    flt = {"recipient": {"$in": recipients_of(principal)}}
    docs = await db[NOTIFICATIONS].find(flt).sort("at", -1).limit(limit).to_list(None)
    return [{"id": d["_id"], "kind_label": kind_label(d["kind"]),
             **{k: d.get(k) for k in ("recipient", "kind", "subject_id", "text", "at")}} for d in docs]
