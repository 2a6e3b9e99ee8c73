"""The one time policy (issue 9.1): zone setting, injectable clock, parsing, local cuts, Chinese display."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from gongjian_shared import localtime as lt
from pydantic import BaseModel, ValidationError

Z = UTC


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=Z)


class Window(BaseModel):
    opens: lt.StartTime
    due: lt.Deadline
    at: lt.Instant | None = None
    day: lt.Day | None = None


def test_naive_input_is_local_and_comes_back_aware_utc() -> None:
    assert lt.parse_instant("2026-12-31T23:59:00") == utc(2026, 12, 31, 15, 59)
    assert lt.parse_instant("2026-12-31 23:59") == utc(2026, 12, 31, 15, 59)
    assert lt.parse_instant("2026-12-31T23:59:00Z") == utc(2026, 12, 31, 23, 59)
    assert lt.parse_instant("2026-12-31T23:59:00+08:00") == utc(2026, 12, 31, 15, 59)
    assert lt.parse_instant(datetime(2026, 3, 1, 0, 0)) == utc(2026, 2, 28, 16, 0)
    assert lt.parse_instant("２０２６-１２-３１Ｔ２３:５９") == utc(2026, 12, 31, 15, 59)  # full-width folded


def test_a_date_alone_is_start_or_end_of_the_local_day() -> None:
    assert lt.parse_start("2026-12-05") == utc(2026, 12, 4, 16)
    assert lt.parse_deadline("2026-12-05") == utc(2026, 12, 5, 16)  # dispatch_duty_date.json
    assert lt.parse_deadline(date(2028, 2, 29)) == utc(2028, 2, 29, 16)
    assert lt.parse_deadline("2026-12-31T23:59") == utc(2026, 12, 31, 15, 59)  # a time is kept as given


def test_request_model_types() -> None:
    w = Window(opens="2026-12-01", due="2026-12-31", at="2026-12-31T23:59:00")
    assert (w.opens, w.due, w.at) == (utc(2026, 11, 30, 16), utc(2026, 12, 31, 16), utc(2026, 12, 31, 15, 59))
    assert all(v.tzinfo is not None and v.utcoffset().total_seconds() == 0 for v in (w.opens, w.due, w.at))
    assert Window(opens="2026-12-01", due="2026-12-31", day="２０２８-０２-２９").day == date(2028, 2, 29)
    assert Window(opens="2026-12-01", due="2026-12-31", day="2026-11-30T16:00:00Z").day == date(2026, 12, 1)
    with pytest.raises(ValidationError):
        Window(opens="2026-12-01", due="2026-12-31", day="2026-02-30")
    with pytest.raises(ValidationError) as bad:
        Window(opens="2026-12-01", due="明天")
    assert bad.value.errors()[0]["type"].startswith("datetime_")  # worded in Chinese by gongjian_shared.validation
    assert Window.model_json_schema()["properties"]["due"]["format"] == "date-time"


@pytest.mark.parametrize(("instant", "day", "month", "year"), [
    (utc(2026, 11, 30, 15, 59, 59), "2026-11-30", "2026-11", 2026),
    (utc(2026, 11, 30, 16, 0, 0), "2026-12-01", "2026-12", 2026),   # 00:00 on 1 Dec China time
    (utc(2026, 12, 31, 15, 59, 59), "2026-12-31", "2026-12", 2026),
    (utc(2026, 12, 31, 16, 0, 0), "2027-01-01", "2027-01", 2027),   # year end
    (utc(2028, 2, 28, 16, 0, 0), "2028-02-29", "2028-02", 2028),    # 29 February
    (utc(2028, 2, 29, 16, 0, 0), "2028-03-01", "2028-03", 2028),
])
def test_calendar_cuts_are_local(instant: datetime, day: str, month: str, year: int) -> None:
    assert (lt.day_key(instant), lt.month_key(instant), lt.year_of(instant)) == (day, month, year)
    assert lt.compact_day(instant) == day.replace("-", "")


def test_month_and_year_bounds() -> None:
    assert lt.month_bounds("2026-10") == (utc(2026, 9, 30, 16), utc(2026, 10, 31, 16))
    assert lt.month_bounds("2026-12") == (utc(2026, 11, 30, 16), utc(2026, 12, 31, 16))
    assert lt.month_bounds("2028-02")[1] - lt.month_bounds("2028-02")[0] == lt.later(utc(2000, 1, 1), days=29) - utc(2000, 1, 1)
    assert lt.year_bounds(2027) == (utc(2026, 12, 31, 16), utc(2027, 12, 31, 16))
    assert lt.months_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    with pytest.raises(ValueError):
        lt.parse_month("2026-13")
    assert lt.add_months(utc(2028, 1, 30, 16), 1) == utc(2028, 2, 28, 16)  # 31 Jan local → 29 Feb local


def test_injected_clock() -> None:
    with lt.frozen("2026-11-30T16:30:00Z") as clock:  # 00:30 on 1 Dec China time
        assert lt.now() == utc(2026, 11, 30, 16, 30)
        assert (lt.today(), lt.this_month(), lt.this_year()) == (date(2026, 12, 1), "2026-12", 2026)
        clock.set(utc(2026, 12, 31, 15, 59, 59))
        assert lt.this_year() == 2026
        clock.advance(seconds=1)
        assert (lt.this_year(), lt.this_month()) == (2027, "2027-01")
        assert lt.ProcessClock().now() == utc(2026, 12, 31, 16)
    assert abs((lt.now() - datetime.now(Z)).total_seconds()) < 5  # the real clock is back


def test_clock_setting_starts_a_running_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lt.CLOCK_SETTING, "2028-02-29T15:59:59Z")
    previous = lt.set_clock(None)
    try:
        first = lt.now()
        assert utc(2028, 2, 29, 15, 59, 59) <= first < utc(2028, 2, 29, 16, 0, 30)
        assert lt.now() >= first
    finally:
        lt.set_clock(previous)


def test_zone_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lt.ZONE_SETTING, "Europe/Berlin")
    assert lt.parse_instant("2026-07-01T12:00") == utc(2026, 7, 1, 10)
    assert lt.month_key(utc(2026, 11, 30, 23, 30)) == "2026-12"
    monkeypatch.delenv(lt.ZONE_SETTING)
    assert lt.zone().key == "Asia/Shanghai"


def test_people_read_local_chinese_time() -> None:
    assert lt.format_local(utc(2026, 12, 5, 15, 59)) == "2026年12月5日 23:59"
    assert lt.format_local("2026-12-05T15:59:00Z") == "2026年12月5日 23:59"
    assert lt.format_short(utc(2026, 12, 5, 15, 59)) == "12月5日 23:59"
    assert lt.format_date(utc(2026, 11, 30, 16)) == "2026年12月1日"
    assert lt.format_deadline(utc(2026, 12, 5, 16)) == "2026年12月5日 24:00"
    assert lt.format_month("2026-02") == "2026年2月"
    assert lt.format_local(None) == ""
    assert lt.rfc3339(lt.parse_instant("2026-12-31T23:59")) == "2026-12-31T15:59:00Z"


async def test_frozen_reaches_tasks_started_inside_only() -> None:
    import asyncio

    seen: dict[str, datetime] = {}

    async def look(name: str) -> None:
        await asyncio.sleep(0.01)
        seen[name] = lt.now()

    outside = asyncio.create_task(look("outside"))  # started before: keeps the process clock
    with lt.frozen("2028-02-29T15:59:59Z"):
        inside = asyncio.create_task(look("inside"))
        await asyncio.gather(outside, inside)
    assert seen["inside"] == utc(2028, 2, 29, 15, 59, 59)
    assert abs((seen["outside"] - datetime.now(Z)).total_seconds()) < 5


def test_a_misspelt_zone_stops_a_service_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongjian_shared.settings import ServiceSettings

    monkeypatch.setenv(lt.ZONE_SETTING, "Asia/Shanghia")
    with pytest.raises(ValidationError, match="GONGJIAN_TIMEZONE"):
        ServiceSettings()
    monkeypatch.setenv(lt.ZONE_SETTING, "Asia/Shanghai")
    assert ServiceSettings().timezone == "Asia/Shanghai"
