"""The one time policy of the system: a local zone, an injectable clock, local calendar cuts.

Rules (issue 9, CEO standards): times are stored and sent as UTC (RFC 3339); input without an
offset means local time; a date alone means the start of that local day where a start is asked
and the end of it (the next local midnight) where a deadline or period end is asked; days,
months and years are cut in local time; people read local time in Chinese style.

The zone is the deployment setting ``GONGJIAN_TIMEZONE`` (IANA name, default Asia/Shanghai).
The clock is replaceable: ``frozen`` for a test's task (and an app it starts), ``set_clock`` for the
process, or the setting
``GONGJIAN_CLOCK_AT`` (an RFC 3339 instant; the clock starts there and then runs) for a service
started in its own process by a test or a demo. This module is the only place that reads the
system clock or does calendar arithmetic; ``shared/tests/test_time_policy_search.py`` enforces it.
"""

from .calendar import (add_days, add_months, compact_day, day_bounds, day_end, day_key, day_start, earlier,
                       later, local_date, month_bounds, month_key, months_between, parse_month, year_bounds,
                       year_of)
from .clock import (Clock, FixedClock, ProcessClock, ShiftedClock, SystemClock, current_clock, frozen, now,
                    set_clock, this_month, this_year, today)
from .parsing import (Day, Deadline, Instant, StartTime, parse_day, parse_deadline, parse_instant, parse_start,
                      parse_time, rfc3339)
from .people import format_date, format_deadline, format_local, format_month, format_short
from .zone import CLOCK_SETTING, DEFAULT_ZONE, ZONE_SETTING, stored_utc, to_local, to_utc, zone

__all__ = [name for name in dir() if not name.startswith("_")]
