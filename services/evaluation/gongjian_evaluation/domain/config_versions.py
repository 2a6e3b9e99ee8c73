"""Year-end weights and star criteria as versions with effective dates, like point rules. Pure.

Issue 13: changing the weights today rewrote 2025's results. A year is judged by the version
in force on its last day (31 December, local calendar), so a change made in 2026 with today's
date leaves 2025 exactly as it was published. A version may also be dated back on purpose
(``effective_from`` in the past), which is then an explicit decision recorded with who and when.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

VERSIONED = ("year_end", "five_star")  # the grading rules whose history matters


def in_force(config: dict[str, Any], key: str, on: date) -> Any:
    """The value of ``key`` in force on local date ``on``: the newest version dated on or before it.

    ``config[key]`` is the value first configured (the defaults, or the value before versioning
    existed); it is in force before any dated version.
    """
    versions = sorted(config.get("versions", {}).get(key, []), key=lambda v: (v["effective_from"], v["set_at"]))
    chosen = config[key]
    for version in versions:
        if version["effective_from"] <= on.isoformat():
            chosen = version["value"]
    return chosen


def for_year(config: dict[str, Any], key: str, year: int) -> Any:
    """The value that judges calendar ``year``: the one in force on its last day."""
    return in_force(config, key, date(year, 12, 31))


def current_view(config: dict[str, Any], today: date) -> dict[str, Any]:
    """The config as a reader expects it: each versioned key shows today's value, history under ``versions``."""
    view = copy.deepcopy(config)
    for key in VERSIONED:
        view[key] = in_force(config, key, today)
    return view
