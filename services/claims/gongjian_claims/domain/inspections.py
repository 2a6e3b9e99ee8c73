"""Inspections (督查): quarterly records per community and unit, findings, rectification items. Pure.

Rule source: the Tongjiang article (seeds/002): six roving inspection groups (巡回督查组) inspect
every resident unit and every community party branch each quarter, find problems, set up a
ledger with a person in charge and close each item (销号办结); units that fall short are
ordered to rectify within a deadline (限期整改). One record per target per quarter (local
quarter), so recording twice is refused rather than counted twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongjian_shared.localtime import to_local

TARGET_KINDS = {"community": "社区党组织", "unit": "驻区单位"}
ITEM_STATES = {"open": "整改中", "closed": "已销号"}
ITEM_PREFIX = "-r"


def quarter_of(moment: datetime) -> str:
    """Local quarter ``YYYYQn`` of ``moment`` (1 Jan–31 Mar local is Q1)."""
    local = to_local(moment)
    return f"{local.year:04d}Q{(local.month - 1) // 3 + 1}"


def quarter_label(quarter: str) -> str:
    """``2026Q4`` → ``2026年第4季度``."""
    year, number = quarter.split("Q")
    return f"{year}年第{number}季度"


def inspection_id(target_id: str, quarter: str) -> str:
    return f"insp-{target_id}-{quarter}"


def item_id(inspection: str, number: int) -> str:
    return f"{inspection}{ITEM_PREFIX}{number}"


def inspection_of(rectification_id: str) -> str:
    """The inspection a rectification item belongs to (its id is ``<inspection>-r<n>``)."""
    return rectification_id.rsplit(ITEM_PREFIX, 1)[0]


def bad_deadlines(items: list[dict[str, Any]], now: datetime) -> list[int]:
    """Numbers (1-based) of items whose deadline is not after ``now``."""
    return [n for n, item in enumerate(items, start=1) if item["deadline"] <= now]


def new_items(inspection: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rectification items as stored: open, no follow-up yet, not overdue."""
    return [{"id": item_id(inspection, n), "number": n, "title": item["title"], "deadline": item["deadline"],
             "status": "open", "follow_ups": [], "overdue": False, "escalated": False}
            for n, item in enumerate(items, start=1)]


def find_item(inspection: dict[str, Any], rectification_id: str) -> int | None:
    """Index of the item in ``inspection["items"]``, None if it has no such item."""
    for index, item in enumerate(inspection.get("items") or []):
        if item["id"] == rectification_id:
            return index
    return None


def with_item(inspection: dict[str, Any], index: int, **changes: Any) -> list[dict[str, Any]]:
    """The items list with one item changed (the whole list is set: one versioned change)."""
    items = [dict(item) for item in inspection["items"]]
    items[index].update(changes)
    return items


def status_after(items: list[dict[str, Any]]) -> str:
    """An inspection is closed (销号办结) once every rectification item is."""
    return "closed" if all(item["status"] == "closed" for item in items) else "open"


def summary(inspections: list[dict[str, Any]]) -> dict[str, int]:
    """Counts over inspections: records, and rectification items open / overdue (still open) / closed."""
    items = [item for insp in inspections for item in insp.get("items") or []]
    return {"inspections": len(inspections),
            "rectifications_open": sum(i["status"] == "open" for i in items),
            "rectifications_overdue": sum(i["status"] == "open" and bool(i.get("overdue")) for i in items),
            "rectifications_closed": sum(i["status"] == "closed" for i in items)}
