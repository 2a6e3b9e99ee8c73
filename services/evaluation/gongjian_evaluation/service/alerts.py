"""Alerts (预警): member_inactive from the clock, unit_interview from the two-way evaluation.

Each alert is one document (``<kind>:<subject>``) whose state change and event are one write
(outbox), conditional on its status: every instance runs the checks, and only the write that
finds the alert not yet open (raise) or still open (clear) happens, so each fires once. The inactivity check compares the injected clock with each member's deadline: the
alert is raised when now >= last activity + 6 months, exactly at that instant and not before.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from gongjian_shared.envelope import new_event, rfc3339
from gongjian_shared.outbox import stage_events
from gongjian_shared.topics import EVALUATION_ALERTS
from pymongo.errors import DuplicateKeyError

from ..adapters.store import ALERTS
from ..domain.periods import add_months

log = logging.getLogger("gongjian.evaluation.alerts")
SOURCE = "gongjian/evaluation"
INACTIVE_MONTHS = 6


def inactive_deadline(basis: datetime) -> datetime:
    return add_months(basis, INACTIVE_MONTHS)


class Alerts:
    def __init__(self, runtime: Any, projector: Any, clock: Any) -> None:
        self.runtime, self.projector, self.clock = runtime, projector, clock
        self.open: dict[str, dict[str, Any]] = {}  # alert id -> doc (open alerts only)

    async def load(self) -> None:
        docs = await self.runtime.db[ALERTS].find({"status": "open"}, {"outbox": 0, "outbox_pending": 0}).to_list(None)
        self.open = {d["_id"]: d for d in docs}

    def is_open(self, kind: str, subject: str) -> bool:
        return f"{kind}:{subject}" in self.open

    async def check_inactive(self, members: set[str] | None = None) -> dict[str, int]:
        """Raise or clear member_inactive for ``members`` (all tracked members when None)."""
        now = self.clock.now()
        state = self.projector.state
        ids = members if members is not None else [h.id for h in state.holders.values() if h.kind == "member"]
        raised = cleared = 0
        for member_id in ids:
            holder = state.holders.get(member_id)
            if holder is None or holder.kind != "member" or holder.basis is None:
                continue
            deadline = inactive_deadline(holder.basis)
            is_open = self.is_open("member_inactive", member_id)
            if holder.active and now >= deadline and not is_open:
                await self.raise_alert("member_inactive", member_id, "member", place=holder.home, details={
                    "last_active_at": rfc3339(holder.basis), "deadline": rfc3339(deadline),
                    "months": INACTIVE_MONTHS, "loses_five_star": True},
                    reason=f"连续{INACTIVE_MONTHS}个月未参加活动 (no verified activity for {INACTIVE_MONTHS} months)")
                raised += 1
            elif is_open and (now < deadline or not holder.active):
                await self.clear_alert("member_inactive", member_id,
                                       reason="已恢复活动 (active again)" if holder.active else "已停用 (deactivated)")
                cleared += 1
        return {"raised": raised, "cleared": cleared}

    async def raise_alert(self, kind: str, subject: str, subject_kind: str, *, place: str | None, reason: str,
                          details: dict[str, Any], alert_id: str | None = None) -> bool:
        alert_id = alert_id or f"{kind}:{subject}"
        if alert_id in self.open:
            return False
        now = rfc3339(self.clock.now())
        path = list(self.projector.state.path_of(place))
        data = {"alert_id": alert_id, "kind": kind, "subject_id": subject, "subject_kind": subject_kind,
                "place_id": place, "place_path": path, "reason": reason, "raised_at": now, "details": details}
        event = new_event(source=SOURCE, type="alert.raised", subject=subject, data=data,
                          districtid=path[1] if len(path) > 1 else None, communityid=_community(path))
        doc = {"kind": kind, "subject_id": subject, "subject_kind": subject_kind, "place_id": place,
               "place_path": path, "status": "open", "reason": reason, "raised_at": now, "cleared_at": None,
               "details": details}
        update = stage_events({"$set": doc}, EVALUATION_ALERTS, [event])
        try:
            await self.runtime.db[ALERTS].update_one({"_id": alert_id, "status": {"$ne": "open"}}, update, upsert=True)
        except DuplicateKeyError:  # open already: another instance raised it
            self.open[alert_id] = {"_id": alert_id, **doc}
            return False
        self.runtime.notify(ALERTS, alert_id)
        self.open[alert_id] = {"_id": alert_id, **doc}
        log.info("alert raised: %s", alert_id)
        return True

    async def clear_alert(self, kind: str, subject: str, *, reason: str, alert_id: str | None = None) -> bool:
        alert_id = alert_id or f"{kind}:{subject}"
        current = self.open.get(alert_id)
        if current is None:
            return False
        now = rfc3339(self.clock.now())
        path = current.get("place_path") or []
        event = new_event(source=SOURCE, type="alert.cleared", subject=subject,
                          data={"alert_id": alert_id, "kind": kind, "subject_id": subject, "cleared_at": now,
                                "reason": reason, "place_id": current.get("place_id")},
                          districtid=path[1] if len(path) > 1 else None, communityid=_community(path))
        update = stage_events({"$set": {"status": "cleared", "cleared_at": now, "cleared_reason": reason}},
                              EVALUATION_ALERTS, [event])
        done = await self.runtime.db[ALERTS].update_one({"_id": alert_id, "status": "open"}, update)
        self.open.pop(alert_id, None)
        if not done.modified_count:
            return False  # another instance cleared it
        self.runtime.notify(ALERTS, alert_id)
        return True

    async def recent(self, *, place_id: str | None, within: list[str] | None, status: str | None,
                     kind: str | None, limit: int, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """One page of alerts, newest raised first: (total matching, rows). ``place_id``: at or
        under that place; ``within``: under one of those places (None: anywhere, the city).
        Filter, count, sort and page run in the query (status and kind are top-level scalars)."""
        query: dict[str, Any] = {}
        if status:
            query["status"] = status
        if kind:
            query["kind"] = kind
        scope = []
        if place_id:
            scope.append({"$or": [{"place_path": place_id}, {"place_id": place_id}]})
        if within is not None:
            scope.append({"place_path": {"$in": within}})
        if scope:
            query["$and"] = scope
        total = await self.runtime.db[ALERTS].count_documents(query)
        docs = await (self.runtime.db[ALERTS].find(query, {"outbox": 0, "outbox_pending": 0}).sort([("raised_at", -1), ("_id", 1)])
                      .skip(offset).limit(limit).to_list(None))
        return total, [{"id": d.pop("_id"), **d} for d in docs]


def _community(path: list[str]) -> str | None:
    return path[3] if len(path) > 3 else None
