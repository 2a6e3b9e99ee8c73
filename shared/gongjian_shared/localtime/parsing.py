"""Reading input date-times: naive = local; a date alone = start or end of that local day."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

from .calendar import day_end, day_start, fold, local_date
from .zone import to_utc

_DATE_ONLY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def _parse(value: str | datetime | date, *, end: bool) -> datetime:
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, date):
        return day_end(value) if end else day_start(value)
    text = fold(str(value))
    if _DATE_ONLY.match(text):
        day = date(*(int(p) for p in text.split("-")))
        return day_end(day) if end else day_start(day)
    text = text.replace(" ", "T", 1) if "T" not in text and " " in text else text
    return to_utc(datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00")))


def parse_instant(value: str | datetime | date) -> datetime:
    """An instant from input: RFC 3339 / ISO 8601 (naive = local); a date alone = its local start.

    Returns aware UTC; raises ValueError on text that is no date-time.
    """
    return _parse(value, end=False)


def parse_start(value: str | datetime | date) -> datetime:
    """Where a start is asked: like ``parse_instant`` (a date alone = start of that local day)."""
    return _parse(value, end=False)


def parse_deadline(value: str | datetime | date) -> datetime:
    """Where a deadline or period end is asked: a date alone = end of that local day (next local midnight)."""
    return _parse(value, end=True)


def parse_time(value: str | datetime | None, default: datetime | None = None) -> datetime:
    """Stored or event times (RFC 3339); ``default`` when empty, else ValueError."""
    if value is None or value == "":
        if default is None:
            raise ValueError("missing time")
        return default
    return parse_instant(value)


def parse_day(value: str | datetime | date) -> date:
    """A local calendar day: ``2026-12-05`` (full-width folded), or the local day of a date-time."""
    if isinstance(value, datetime):
        return local_date(to_utc(value))
    if isinstance(value, date):
        return value
    text = fold(str(value))
    if _DATE_ONLY.match(text):
        return date(*(int(p) for p in text.split("-")))
    return local_date(_parse(text, end=False))


def _validator(parse: Any) -> Any:
    def run(value: Any) -> Any:
        if not isinstance(value, str | datetime | date):
            return value  # let pydantic report the wrong type
        try:
            return parse(value)
        except ValueError:
            # Unreadable: pydantic's own parsing then fails with its usual error type
            # (datetime_parsing …), which the shared validation layer words in Chinese.
            return value
    return BeforeValidator(run)


# Request-model field types: always aware UTC after validation.
Instant = Annotated[datetime, _validator(parse_instant)]
StartTime = Annotated[datetime, _validator(parse_start)]
Deadline = Annotated[datetime, _validator(parse_deadline)]
Day = Annotated[date, _validator(parse_day)]  # a local calendar day (duty dates, agreement periods)


def rfc3339(moment: datetime) -> str:
    """``2026-11-30T16:00:00Z`` — how times are stored as text and sent."""
    return to_utc(moment).isoformat().replace("+00:00", "Z")


