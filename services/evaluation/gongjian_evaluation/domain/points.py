"""Points (奉献积分) earned by verified service. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

POINTS_PER_HOUR = 10
RULE_VERIFIED_HOURS = "verified_hours:v1"


@dataclass(frozen=True)
class Award:
    holder_id: str
    holder_kind: str
    points: float
    rule: str


def award_for_verified_service(claimant_id: str, claimant_kind: str, hours: float, approved: bool) -> Award | None:
    """Verified hours earn points; a fulfilment sent back earns nothing."""
    if not approved or hours <= 0:
        return None
    return Award(claimant_id, claimant_kind, round(hours * POINTS_PER_HOUR, 2), RULE_VERIFIED_HOURS)
