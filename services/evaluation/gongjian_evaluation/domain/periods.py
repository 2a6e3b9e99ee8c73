"""Calendar arithmetic in China Standard Time (UTC+8, no DST): days, months, years."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def parse_time(value: str | datetime | None, default: datetime | None = None) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not value:
        if default is None:
            raise ValueError("missing time")
        return default
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(CST)


def day_key(moment: datetime) -> str:
    return local(moment).strftime("%Y-%m-%d")


def month_key(moment: datetime) -> str:
    return local(moment).strftime("%Y-%m")


def year_of(moment: datetime) -> int:
    return local(moment).year


def add_months(moment: datetime, months: int) -> datetime:
    """Same local day-of-month and time ``months`` later (clamped to the month's last day)."""
    at = local(moment)
    index = at.month - 1 + months
    year, month = at.year + index // 12, index % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day).astimezone(UTC)


def period_kind(period: str) -> str:
    """``all``, ``YYYY`` or ``YYYY-MM``; anything else is a ValueError."""
    if period == "all":
        return "all"
    if len(period) == 4 and period.isdigit():
        return "year"
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
    return []
