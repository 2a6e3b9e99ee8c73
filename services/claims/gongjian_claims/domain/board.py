"""The demand board (需求/资源/项目 清单 看板): which stage an item is at, and how the board sorts. Pure.

An item's stage comes from its own status and its claims' statuses (issue 15 point 3):
未认领 open (nobody holds a claim), 已认领 claimed (a claim waits for the service), 待核验
fulfilled (a fulfilment waits for the community), 已核验 verified (every live claim verified,
not yet 销号), 已逾期 overdue (past its due date, not closed), 已办结 closed.
"""

from __future__ import annotations

from typing import Any

STAGES = {"open": "未认领", "claimed": "已认领", "fulfilled": "待核验", "verified": "已核验待销号",
          "overdue": "已逾期", "closed": "已办结"}
# Stages that a claim in this status puts its demand in (a released claim holds nothing).
CLAIM_STAGE = {"claimed": "claimed", "fulfilled": "fulfilled", "verified": "verified"}
SETTLED = ("closed", "withdrawn", "rejected", "cancelled", "pending")
# sort key → (field, direction); "-" first means newest / latest first.
SORTS = {"-published_at": ("published_at", -1), "published_at": ("published_at", 1),
         "due_at": ("due_at", 1), "-due_at": ("due_at", -1), "title": ("title", 1)}
BOARD_KINDS = ("need", "wish", "position", "duty", "project")


def stage_of(demand: dict[str, Any], claim_statuses: list[str]) -> str:
    """The one stage shown for an item: closed, then overdue, then the most urgent claim's stage."""
    if demand.get("status") == "closed":
        return "closed"
    if demand.get("overdue"):
        return "overdue"
    live = [s for s in claim_statuses if s in CLAIM_STAGE]
    for stage in ("fulfilled", "claimed", "verified"):  # what the community must act on first
        if stage in live:
            return stage
    return "open"
