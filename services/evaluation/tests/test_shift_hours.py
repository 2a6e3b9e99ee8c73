"""Shift hours (shift.hours_recorded) reach the points ledger once; a correction replaces its credit."""

from __future__ import annotations

from datetime import timedelta

from gongjian_evaluation.testing import T0, settle
from gongjian_shared.testing import auth


def shift_hours(city, day: int, hours: float, *, replaces: dict | None = None, source: str = "qr") -> dict:
    shift = f"pos-1@2026-03-{day:02d}"
    return city.demand("shift.hours_recorded", "pos-1", "c1", at=T0 + timedelta(days=day - 2, hours=2),
                       kind="position", shift_id=shift, signup_id=f"{shift}~m9", day=f"2026-03-{day:02d}",
                       claimant_id="m9", claimant_kind="member", hours=hours,
                       previous_hours=replaces["data"]["hours"] if replaces else None,
                       replaces_event_id=replaces["id"] if replaces else None, source=source, reason=None)


async def test_a_three_month_position_credits_each_shift_once(ns, service, feed, city):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    first, second, third = shift_hours(city, 2, 2.0), shift_hours(city, 4, 1.75), shift_hours(city, 6, 1.5)
    corrected = shift_hours(city, 4, 2.0, replaces=second, source="correction")
    last = shift_hours(city, 9, 1.0)
    # Every event published twice (a relay that retried): each counts once, in the order of one key.
    await feed.send("claims.demands.v1", [first, first, second, third, second, corrected, corrected, last])
    await settle(ev, len(city.PATHS) + 5)
    body = (await client.get("/holders/m9/points", headers=auth("member", sub="m9"))).json()
    # 2 + 2 (1.75 corrected) + 1.5 + 1 hours at 10 points an hour.
    assert body["points"] == 65
    entries = body["entries"]
    assert len(entries) == 6  # five credits and the one taken back
    taken_back = [e for e in entries if e["points"] < 0]
    assert len(taken_back) == 1 and taken_back[0]["points"] == -17.5
    assert taken_back[0]["revokes"] == f"{second['id']}:verified_hours"
    stats = (await client.get("/stats/community:c1", headers=auth("city_admin"))).json()["counters"]
    assert stats["hours_served"] == 6.5 and stats["participants"] == 4
