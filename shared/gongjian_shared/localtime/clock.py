"""The process clock: injectable, so tests can freeze time (see the package docstring)."""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from .calendar import local_date, month_key, year_of
from .parsing import parse_instant
from .zone import CLOCK_SETTING, to_utc


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told otherwise (tests)."""

    def __init__(self, at: datetime) -> None:
        self.at = to_utc(at)

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = to_utc(at)

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)`` (seconds=…, hours=…, days=…); returns the new now."""
        self.at = self.at + timedelta(**delta)
        return self.at


class ShiftedClock:
    """Starts at ``at`` and then runs at real speed (a service process that must keep working)."""

    def __init__(self, at: datetime) -> None:
        self.at, self.started = to_utc(at), time.monotonic()

    def now(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.started)


class ProcessClock:
    """The clock in force (``frozen`` for this task, else the process clock); the default of app clocks."""

    def now(self) -> datetime:
        return now()


_installed: Clock | None = None
# A clock for the current task and the tasks it starts (asyncio copies the context): an app started
# inside ``frozen`` (its scheduler included) and requests sent through an in-process client see it,
# while other apps of the same test process keep the process clock.
_scoped: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("gongjian_clock", default=None)


def _from_setting() -> Clock:
    at = os.environ.get(CLOCK_SETTING)
    return ShiftedClock(parse_instant(at)) if at else SystemClock()


def current_clock() -> Clock:
    scoped = _scoped.get()
    if scoped is not None:
        return scoped
    global _installed
    if _installed is None:
        _installed = _from_setting()
    return _installed


def set_clock(clock: Clock | None) -> Clock | None:
    """Install ``clock`` for the whole process (None: back to the setting/system); returns the old one."""
    global _installed
    previous, _installed = _installed, clock
    return previous


@contextlib.contextmanager
def frozen(at: datetime | str) -> Iterator[FixedClock]:
    """``with frozen("2026-11-30T16:00:00Z") as clock:`` — time stands at ``at`` (``clock.set``/``advance``
    move it) for this task and the tasks started inside the block; the process clock is untouched."""
    clock = FixedClock(parse_instant(at) if isinstance(at, str) else at)
    token = _scoped.set(clock)
    try:
        yield clock
    finally:
        _scoped.reset(token)


def now() -> datetime:
    """The current instant as an aware UTC datetime, from the installed clock."""
    return current_clock().now().astimezone(UTC)


def today() -> date:
    """Today's local date."""
    return local_date(now())


def this_month() -> str:
    """The current local month, ``YYYY-MM``."""
    return month_key(now())


def this_year() -> int:
    """The current local year."""
    return year_of(now())


