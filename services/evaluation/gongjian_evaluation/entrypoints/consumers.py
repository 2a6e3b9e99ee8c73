"""Kafka subscribers of evaluation (tolerant readers of the claims events)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from gongjian_shared.envelope import CloudEvent
from gongjian_shared.kafka import subscribe
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..domain.points import award_for_verified_service
from ..service.ledger import record_award


class DemandVerified(BaseModel):
    model_config = ConfigDict(extra="ignore")
    claim_id: str
    claimant_id: str
    claimant_kind: str = "member"
    hours: float
    approved: bool


READS: dict[str, type[BaseModel]] = {"demand.verified": DemandVerified}


def register(runtime: Any) -> None:
    @subscribe(runtime.broker, runtime.settings, CLAIMS_DEMANDS, group="evaluation.demands")
    async def on_demand(event: CloudEvent) -> None:
        if event.short_type != "demand.verified":
            return
        verified = DemandVerified.model_validate(event.data)
        award = award_for_verified_service(verified.claimant_id, verified.claimant_kind, verified.hours,
                                           verified.approved)
        if award is not None:
            await record_award(runtime, award, event)
