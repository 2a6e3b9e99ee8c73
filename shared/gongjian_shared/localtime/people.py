"""Times for people: local, Chinese style (2026年12月5日 23:59)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .calendar import local_date, parse_month
from .parsing import _DATE_ONLY, parse_instant
from .zone import to_local


def format_local(moment: datetime | str | None, *, seconds: bool = False) -> str:
    """Chinese style local time: ``2026年12月5日 23:59`` (empty for None)."""
    if moment is None or moment == "":
        return ""
    at = to_local(parse_instant(moment) if isinstance(moment, str) else moment)
    clock = f"{at:%H:%M:%S}" if seconds else f"{at:%H:%M}"
    return f"{at.year}年{at.month}月{at.day}日 {clock}"


def format_short(moment: datetime | str | None) -> str:
    """Short form, ``12月5日 23:59`` (the year is left out)."""
    if moment is None or moment == "":
        return ""
    at = to_local(parse_instant(moment) if isinstance(moment, str) else moment)
    return f"{at.month}月{at.day}日 {at:%H:%M}"


def format_date(day: date | datetime | str | None) -> str:
    """``2026年12月5日``; a datetime is first turned into its local date."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day) if _DATE_ONLY.match(day) else local_date(parse_instant(day))
    elif isinstance(day, datetime):
        day = local_date(day)
    return f"{day.year}年{day.month}月{day.day}日"


def format_month(month: str) -> str:
    """``2026-12`` → ``2026年12月``."""
    year, mon = parse_month(month)
    return f"{year}年{mon}月"


def format_deadline(moment: datetime | str | None) -> str:
    """A deadline: a local midnight reads as the end of the day before (``2026年12月5日 24:00``)."""
    if moment is None or moment == "":
        return ""
    at = to_local(parse_instant(moment) if isinstance(moment, str) else moment)
    if (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0):
        day = local_date(at) - timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日 24:00"
    return format_local(at)
