"""Demands (需求) and their claims: states and refusals. Pure: no I/O.

A demand's kind says where it came from: a community's need, a service position (服务
岗位) held for a period, a resident's micro-wish (微心愿), a duty filled by dispatch (选派),
or a project born when a community claimed a unit's resource (双向认领). All kinds share
one claim life cycle:

    claimed → fulfilled → verified            (sent back: fulfilled → claimed)
    claimed → released                        (the place is free again)

and the demand is open (claimable), then closed (销号). A wish is "pending" until the
community approves it, or "rejected".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from .rules import Refusal

DemandKind = Literal["need", "position", "wish", "duty", "project"]
KIND_LABELS = {"need": "需求", "position": "服务岗位", "wish": "微心愿", "duty": "选派任务", "project": "共建项目"}
OPEN_CLAIM_STATES = ("claimed", "fulfilled")        # count against a claimant's limit; block closing
SEATED_CLAIM_STATES = ("claimed", "fulfilled", "verified")  # hold one of the demand's places

NOT_OPEN = Refusal(409, "demand-not-open", "该需求当前不接受认领 (demand is not open for claims)")
WINDOW_NOT_OPEN = Refusal(409, "claim-window-not-open", "认领尚未开始 (the claim window has not opened yet)")
WINDOW_CLOSED = Refusal(409, "claim-window-closed", "认领已截止 (the claim window has closed)")
FULL = Refusal(409, "demand-full", "认领名额已满 (all places are taken)")
ALREADY = Refusal(409, "already-claimed", "您已认领该需求，不能重复认领 (you already claimed this demand)")
LIMIT = Refusal(409, "claim-limit-reached",
                "您当前未办结的认领已达上限 {} 项，请先完成已认领的事项 (you hold the maximum of {} open claims)")


def limit_refusal(limit: int | None) -> Refusal:
    return Refusal(LIMIT.status, LIMIT.code, LIMIT.detail.format(limit, limit))


def precheck(demand: dict[str, Any], now: datetime) -> Refusal | None:
    """Refusals a read of the demand can decide: open, inside the claim window."""
    if demand["status"] != "open":
        return NOT_OPEN
    opens, deadline = demand.get("claim_opens_at"), demand.get("claim_deadline")
    if opens is not None and now < opens:
        return WINDOW_NOT_OPEN
    if deadline is not None and now >= deadline:
        return WINDOW_CLOSED
    return None


def closing_totals(claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures a closed demand reports: participants, hours, beneficiaries."""
    done = [c for c in claims if c["status"] == "verified"]
    return {"verified_claims": len(done),
            "participants": len({c["claimant_id"] for c in done}),
            "total_hours": round(sum(float(c.get("hours") or 0) for c in done), 2),
            "beneficiaries": sum(int(c.get("beneficiaries") or 0) for c in done)}
