"""The inspection figures (督查) of the statistics: counters and what is derived from them. Pure.

Kept apart from project_inspections.py (which applies the events) so stats.py can list them
without importing the projection.
"""

from __future__ import annotations

from typing import Any

COUNTERS = ("inspections_recorded", "rectifications_opened", "rectifications_overdue", "rectifications_closed")


def derived(counters: dict[str, float]) -> dict[str, Any]:
    """Items still open: opened minus closed over the period (all time: the ledger's open items)."""
    return {"rectifications_open": max(0, int(counters.get("rectifications_opened", 0)
                                              - counters.get("rectifications_closed", 0)))}
