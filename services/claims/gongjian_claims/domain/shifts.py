"""Shifts (班次) of a service position (服务岗位): its schedule and the concrete occurrences. Pure.

A position held for months (say 老年大学志愿教师, Mondays and Thursdays 08:00–10:00 from
December to February) is served in shifts. The schedule names the days (a range of local
dates and the weekdays), the local hours and the places per shift; a shift is one
scheduled day, identified as ``<demand id>@<YYYY-MM-DD>`` (the local date), so shifts need
no storage of their own: only the sign-ups are stored. Days and hours are local time
(``GONGJIAN_TIMEZONE``, Asia/Shanghai), stored and answered as UTC instants.

Check-in and check-out (签到/签退) windows and the hours rule (工时计算规则):

- check-in is open from ``CHECK_IN_EARLY`` (30 min) before the start until the end;
- check-out is open from check-in until ``CHECK_OUT_LATE`` (30 min) after the end;
- hours count only inside the shift (arriving early or staying late adds nothing), in
  whole quarter hours rounded down (不足15分钟的部分不计): 08:05–09:58 on an 08:00–10:00
  shift is 1 h 53 min, credited 1.75 h. Outside the windows, an official records the
  times by hand with a reason, or the member asks for a correction (更正申请).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gongjian_shared.localtime import add_days, day_start, format_short, later

from .rules import Refusal

CHECK_IN_EARLY = timedelta(minutes=30)
CHECK_OUT_LATE = timedelta(minutes=30)
QUARTER_MINUTES = 15
MAX_DAYS = 366  # a schedule spans at most a year (a position's period is at most that)
WEEKDAY_NAMES = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def minutes_of(clock: str) -> int:
    """``"08:30"`` → 510 (minutes after local midnight); ValueError for anything else."""
    found = _CLOCK.match(clock)
    if not found:
        raise ValueError(f"bad time of day {clock!r}")
    return int(found.group(1)) * 60 + int(found.group(2))


@dataclass(frozen=True)
class Schedule:
    """When a position is served: local days ``first_day``..``last_day`` on ``weekdays`` (ISO, 1 = Monday),
    from ``start`` to ``end`` (``HH:MM`` local, same day), ``capacity`` members per shift."""

    first_day: date
    last_day: date
    weekdays: tuple[int, ...]
    start: str
    end: str
    capacity: int

    def problem(self) -> str | None:
        """Why this schedule is unusable (Chinese), or None."""
        if not self.weekdays or any(d not in WEEKDAY_NAMES for d in self.weekdays):
            return "每周服务日须为 1（周一）至 7（周日） (weekdays must be 1..7)"
        try:
            start, end = minutes_of(self.start), minutes_of(self.end)
        except ValueError:
            return "服务时段须为 HH:MM 格式，如 08:00 (times must be HH:MM)"
        if end <= start:
            return "班次结束时间须晚于开始时间 (a shift ends after it starts)"
        if self.last_day < self.first_day:
            return "排班结束日期不能早于开始日期 (last day before first day)"
        if (self.last_day - self.first_day).days >= MAX_DAYS:
            return f"排班最长 {MAX_DAYS} 天 (a schedule spans at most {MAX_DAYS} days)"
        if self.capacity < 1:
            return "每班人数至少为 1 (capacity must be at least 1)"
        return None

    def as_doc(self) -> dict:
        return {"first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
                "weekdays": sorted(set(self.weekdays)), "start": self.start, "end": self.end,
                "capacity": self.capacity}

    @classmethod
    def from_doc(cls, doc: dict) -> Schedule:
        return cls(date.fromisoformat(doc["first_day"]), date.fromisoformat(doc["last_day"]),
                   tuple(doc["weekdays"]), doc["start"], doc["end"], int(doc["capacity"]))


@dataclass(frozen=True)
class Shift:
    """One occurrence: the position's local ``day``, its UTC ``starts_at``/``ends_at``."""

    demand_id: str
    day: date
    starts_at: datetime
    ends_at: datetime
    capacity: int

    @property
    def id(self) -> str:
        return shift_id(self.demand_id, self.day)

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


def shift_id(demand_id: str, day: date) -> str:
    return f"{demand_id}@{day.isoformat()}"


def parse_shift_id(value: str) -> tuple[str, date]:
    """``<demand id>@<YYYY-MM-DD>`` → (demand id, day); ValueError otherwise."""
    demand_id, at, day = value.rpartition("@")
    if not at or not demand_id:
        raise ValueError(f"bad shift id {value!r}")
    return demand_id, date.fromisoformat(day)


def occurrence(demand_id: str, schedule: Schedule, day: date) -> Shift | None:
    """The shift on local ``day``, or None when the schedule has none that day."""
    if not (schedule.first_day <= day <= schedule.last_day) or day.isoweekday() not in schedule.weekdays:
        return None
    midnight = day_start(day)  # the zone has no daylight saving: local midnight + minutes is the local time
    return Shift(demand_id, day, later(midnight, minutes=minutes_of(schedule.start)),
                 later(midnight, minutes=minutes_of(schedule.end)), schedule.capacity)


def expand(demand_id: str, schedule: Schedule, first: date | None = None, last: date | None = None,
           limit: int = MAX_DAYS) -> list[Shift]:
    """The shifts on local days ``first``..``last`` (both inclusive, clipped to the schedule), in order."""
    day = max(first or schedule.first_day, schedule.first_day)
    end = min(last or schedule.last_day, schedule.last_day)
    out: list[Shift] = []
    while day <= end and len(out) < limit:
        found = occurrence(demand_id, schedule, day)
        if found is not None:
            out.append(found)
        day = add_days(day, 1)
    return out


def check_in_refusal(shift: Shift, now: datetime) -> Refusal | None:
    """409 outside the check-in window (30 min before the start until the end)."""
    if now < shift.starts_at - CHECK_IN_EARLY:
        return Refusal(409, "check-in-not-open", f"签到尚未开始：本班次 {format_short(shift.starts_at)} 开始，"
                       "开始前30分钟内可签到 (check-in opens 30 minutes before the shift)")
    if now >= shift.ends_at:
        return Refusal(409, "check-in-closed", "本班次已结束，不能签到；请联系社区补录或申请更正工时 "
                       "(the shift is over)")
    return None


def check_out_refusal(shift: Shift, now: datetime) -> Refusal | None:
    """409 once the check-out window (until 30 min after the end) has passed."""
    if now > shift.ends_at + CHECK_OUT_LATE:
        return Refusal(409, "check-out-closed", "签退已截止（班次结束后30分钟内可签退）；请申请更正工时 "
                       "(check-out closed 30 minutes after the shift)")
    return None


def credited_hours(shift: Shift, checked_in: datetime, checked_out: datetime) -> float:
    """Hours of a visit by the module's rule: inside the shift only, whole quarter hours, rounded down."""
    start, end = max(checked_in, shift.starts_at), min(checked_out, shift.ends_at)
    minutes = max(int((end - start).total_seconds() // 60), 0)
    return (minutes // QUARTER_MINUTES) * QUARTER_MINUTES / 60
