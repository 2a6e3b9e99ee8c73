"""Dispatch (选派): pick N eligible members for a duty, fairly rotated. Pure.

Fair rotation: those dispatched least often go first; among equals, the one whose last
duty lies furthest back; among those, an order that changes from duty to duty (a hash
of member and duty) so that nobody is always first by the accident of an id.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def rotation_key(member_id: str, stats: dict[str, Any] | None, duty_key: str) -> tuple[int, datetime, str]:
    stats = stats or {}
    tiebreak = hashlib.sha1(f"{duty_key}|{member_id}".encode()).hexdigest()
    return int(stats.get("count", 0)), stats.get("last_at") or NEVER, tiebreak


def roster(candidates: list[str], stats: dict[str, dict[str, Any]], count: int, duty_key: str,
           busy_on_date: set[str]) -> list[str]:
    """The ``count`` members to dispatch; those already on duty that date are skipped."""
    free = [m for m in candidates if m not in busy_on_date]
    free.sort(key=lambda m: rotation_key(m, stats.get(m), duty_key))
    return free[:count]
