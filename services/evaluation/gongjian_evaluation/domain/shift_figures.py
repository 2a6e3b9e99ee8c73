"""The figures of positions served in shifts (岗位服务, issue 14.2): counters and the attendance
rate derived from them. Pure.

Counted per community and the shift's local month (its ``day``), rolled up the place tree like
every counter; project_shifts.py applies the events. Kept apart so stats.py can list them
without importing the projection.
"""

from __future__ import annotations

from typing import Any

COUNTERS = ("shifts_held", "shift_signups", "shift_attended", "shift_hours")


def derived(counters: dict[str, float]) -> dict[str, Any]:
    """到岗率: sign-ups attended (checked in, or hours credited) ÷ sign-ups not cancelled; None without any."""
    signed = counters.get("shift_signups", 0)
    return {"shift_attendance_rate": round(min(1.0, counters.get("shift_attended", 0) / signed), 4)
            if signed else None}


def of(counters: dict[str, Any]) -> dict[str, Any]:
    """The shift figures out of a scope's counters (the dashboard's 岗位服务 panel)."""
    return {k: counters.get(k, 0) for k in COUNTERS} | derived(counters)
