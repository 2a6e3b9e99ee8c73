"""Time as a dependency: the service asks a clock, tests inject one they can move.

The clocks are the shared time module's (gongjian_shared.localtime); the default is the
process clock, so ``localtime.frozen``/``set_clock`` and ``GONGJIAN_CLOCK_AT`` reach this service too.
"""

from __future__ import annotations

from gongjian_shared.localtime import Clock, FixedClock, ProcessClock, SystemClock

__all__ = ["Clock", "FixedClock", "ProcessClock", "SystemClock"]
