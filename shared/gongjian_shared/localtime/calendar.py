"""Local calendar cuts: days, months and years of the deployment's zone, as UTC bounds."""

from __future__ import annotations

import calendar as _calendar
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

from .zone import to_local, to_utc, zone

def fold(text: str) -> str:
    """Full-width digits and blanks folded (NFKC), surrounding blanks cut."""
    return unicodedata.normalize("NFKC", text).strip()


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def local_date(moment: datetime) -> date:
    return to_local(moment).date()


def day_key(moment: datetime) -> str:
    """Local day ``YYYY-MM-DD``."""
    return local_date(moment).isoformat()


def month_key(moment: datetime) -> str:
    """Local month ``YYYY-MM``."""
    local = to_local(moment)
    return f"{local.year:04d}-{local.month:02d}"


def year_of(moment: datetime) -> int:
    """Local year."""
    return to_local(moment).year


def compact_day(moment: datetime) -> str:
    """Local day ``YYYYMMDD`` (receipt and document numbers)."""
    return local_date(moment).strftime("%Y%m%d")


def day_start(day: date) -> datetime:
    """UTC instant of local midnight starting ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=zone()).astimezone(UTC)


def day_end(day: date) -> datetime:
    """UTC instant where local ``day`` ends (next local midnight, exclusive)."""
    return day_start(day + timedelta(days=1))


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def later(moment: datetime, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
    """``moment`` plus a duration (the zone has no DST where it matters; stays aware UTC)."""
    return to_utc(moment) + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def earlier(moment: datetime, *, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
    return later(moment, days=-days, hours=-hours, minutes=-minutes, seconds=-seconds)


def parse_month(month: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month); ValueError otherwise."""
    found = _MONTH.match(fold(month or ""))
    if not found:
        raise ValueError(f"bad month {month!r}")
    return int(found.group(1)), int(found.group(2))


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local month ``YYYY-MM``."""
    year, mon = parse_month(month)
    following = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return day_start(date(year, mon, 1)), day_start(date(*following, 1))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """UTC [start, end) of a local year."""
    return day_start(date(year, 1, 1)), day_start(date(year + 1, 1, 1))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return day_start(day), day_end(day)


def add_months(moment: datetime, months: int) -> datetime:
    """Same local day-of-month and time ``months`` later (clamped to the month's last day); UTC."""
    at = to_local(moment)
    index = at.month - 1 + months
    year, month = at.year + index // 12, index % 12 + 1
    day = min(at.day, _calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day).astimezone(UTC)


def months_between(first: str, last: str) -> list[str]:
    """Local months ``first``..``last`` inclusive, both ``YYYY-MM``."""
    (y, m), end = parse_month(first), parse_month(last)
    out = []
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


