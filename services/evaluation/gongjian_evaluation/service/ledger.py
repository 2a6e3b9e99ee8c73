"""Use cases of the points ledger."""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import CloudEvent, new_event, utc_now
from gongjian_shared.idempotency import insert_once
from gongjian_shared.outbox import with_events
from gongjian_shared.topics import EVALUATION_LEDGER

from ..adapters.store import LEDGER
from ..domain.points import Award

SOURCE = "gongjian/evaluation"


def entry_id(source_event_id: str, rule: str) -> str:
    return f"{source_event_id}:{rule}"


async def record_award(runtime: Any, award: Award, cause: CloudEvent) -> bool:
    """Enter the award once per (source event, rule); a redelivered event awards nothing."""
    event = new_event(
        source=SOURCE, type="points.awarded", subject=award.holder_id, cause=cause,
        data={"holder_id": award.holder_id, "holder_kind": award.holder_kind, "points": award.points,
              "rule": award.rule, "source_event_id": cause.id},
        districtid=cause.districtid, communityid=cause.communityid,
    )
    doc = {"_id": entry_id(cause.id, award.rule), "holder_id": award.holder_id, "holder_kind": award.holder_kind,
           "points": award.points, "rule": award.rule, "source_event_id": cause.id, "source_type": cause.type,
           "community_id": cause.communityid, "district_id": cause.districtid, "recorded_at": utc_now()}
    inserted = await insert_once(runtime.db[LEDGER], with_events(doc, EVALUATION_LEDGER, [event]))
    if inserted:
        runtime.notify(LEDGER, doc["_id"])
    return inserted
