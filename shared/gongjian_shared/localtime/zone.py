"""The deployment's local zone (setting ``GONGJIAN_TIMEZONE``) and conversions to and from it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

ZONE_SETTING, DEFAULT_ZONE, CLOCK_SETTING = "GONGJIAN_TIMEZONE", "Asia/Shanghai", "GONGJIAN_CLOCK_AT"


@lru_cache(maxsize=8)
def _zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The deployment's local zone (``GONGJIAN_TIMEZONE``; a bad name raises ZoneInfoNotFoundError)."""
    return _zone_named(os.environ.get(ZONE_SETTING) or DEFAULT_ZONE)


def to_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive datetime is read as local time (never as UTC)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone())
    return moment.astimezone(UTC)


def stored_utc(moment: datetime) -> datetime:
    """A datetime read from the database: BSON dates carry no zone and are UTC, so naive means UTC here."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """The same instant in the local zone (naive input read as local)."""
    return to_utc(moment).astimezone(zone())
