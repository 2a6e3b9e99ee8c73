"""Demands (需求) and the rules of claiming them (认领规则). Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ClaimantKind = Literal["member", "unit"]
CATEGORIES = ("困难帮扶", "资金扶持", "志愿服务", "文体服务", "建议意见")


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    detail: str


NOT_OPEN = Refusal(409, "demand-not-open", "该需求已停止认领 (demand is not open for claims)")
FULL = Refusal(409, "demand-full", "认领名额已满 (all places are taken)")
ALREADY = Refusal(409, "already-claimed", "您已认领该需求，不能重复认领 (you already claimed this demand)")
NOT_REPORTED = Refusal(403, "not-eligible", "您尚未到该社区报到，不能认领 (not reported to this community)")
WRONG_KIND = Refusal(403, "not-eligible", "该需求不接受此类认领方 (claimant kind not accepted)")


def eligibility(demand: dict[str, Any], claimant_kind: str, reported_communities: set[str]) -> Refusal | None:
    """Who may claim: the accepted kinds, reported to the demand's community."""
    if claimant_kind not in demand["claimant_kinds"]:
        return WRONG_KIND
    if demand["community_id"] not in reported_communities:
        return NOT_REPORTED
    return None


def why_claim_failed(demand: dict[str, Any], claimant_id: str) -> Refusal:
    """After the atomic claim matched nothing: explain which condition failed."""
    if demand["status"] != "open":
        return NOT_OPEN
    if claimant_id in demand.get("claimant_ids", []):
        return ALREADY
    return FULL


def claim_filter(demand_id: str, claimant_id: str) -> dict[str, Any]:
    """The one conditional update that makes a claim atomic: open, a slot left, not yet in."""
    return {"_id": demand_id, "status": "open", "slots_left": {"$gt": 0}, "claimant_ids": {"$ne": claimant_id}}
