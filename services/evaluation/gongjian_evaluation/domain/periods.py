"""Ledger and statistics periods: ``all``, a local year ``YYYY``, a local quarter ``YYYY-Qn`` or ``YYYYQn`` (statistics
only: inspections are quarterly, 督查 per the Tongjiang article) or a local month ``YYYY-MM``.

Calendar cuts themselves (local day/month/year of an instant) come from the one time module.
"""

from __future__ import annotations

import re

from gongjian_shared.localtime import add_months, day_key, month_key, parse_time, to_local, year_of

__all__ = ["add_months", "day_key", "local", "month_key", "months_of", "parse_time", "period_kind", "year_of"]

local = to_local


def period_kind(period: str) -> str:
    """``all``, ``year`` (YYYY), ``quarter`` (YYYY-Q1..Q4) or ``month`` (YYYY-MM); else a ValueError."""
    if period == "all":
        return "all"
    if len(period) == 4 and period.isdigit():
        return "year"
    if re.fullmatch(r"\d{4}-?Q[1-4]", period):  # 2026-Q1, or 2026Q1 as claims' inspection ledger writes it
        return "quarter"
    if len(period) == 7 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit() \
            and 1 <= int(period[5:]) <= 12:
        return "month"
    raise ValueError(f"bad period {period!r}")


def months_of(period: str) -> list[str]:
    kind = period_kind(period)
    if kind == "month":
        return [period]
    if kind == "year":
        return [f"{period}-{m:02d}" for m in range(1, 13)]
    if kind == "quarter":  # the local months of the quarter: Q1 = January–March
        first = (int(period[-1]) - 1) * 3 + 1
        return [f"{period[:4]}-{m:02d}" for m in range(first, first + 3)]
    return []
