"""岗位服务 figures (issue 14.2) from claims' shift events: shifts held, sign-ups, attendance rate and
hours per community and street per local month, each event counted once however often delivered."""

from __future__ import annotations

from datetime import datetime, timedelta

from gongjian_evaluation.testing import City, settle
from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import auth


def step(city: City, type_: str, position: str, community: str, day: str, member: str, at: datetime,
         **data) -> dict:
    shift = f"{position}@{day}"
    ev = city.demand(f"shift.{type_}", position, community, at=at, kind="position", shift_id=shift,
                     signup_id=f"{shift}~{member}", day=day, claimant_id=member, claimant_kind="member", **data)
    validate_event(ev)  # shaped as the contract says
    return ev


def signed(city, position, community, day, member, at):
    return step(city, "signed_up", position, community, day, member, at, starts_at="2026-03-02T00:00:00Z",
                ends_at="2026-03-02T02:00:00Z")


def checked_in(city, position, community, day, member, at, source="qr"):
    return step(city, "checked_in", position, community, day, member, at, checked_in_at="2026-03-02T00:05:00Z",
                source=source)


def hours(city, position, community, day, member, at, amount, source="qr"):
    return step(city, "hours_recorded", position, community, day, member, at, hours=amount, previous_hours=None,
                replaces_event_id=None, source=source, reason=None if source == "qr" else "补录")


async def test_shift_figures_per_community_street_and_local_month(ns, service, feed, city):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    t = datetime.fromisoformat("2026-03-01T08:00:00+00:00")
    a, b, c = ("pos-1", "c1", "2026-03-02"), ("pos-1", "c1", "2026-03-31"), ("pos-2", "c2", "2026-04-01")
    events = [
        # Shift A: three sign up, one cancels; m1 checks in by QR and is credited, m2 stays away,
        # m5 never scanned but an approved correction credits an hour (attended all the same).
        signed(city, *a, "m1", t), signed(city, *a, "m2", t), signed(city, *a, "m3", t), signed(city, *a, "m5", t),
        step(city, "signup_cancelled", *a, "m3", t + timedelta(hours=1)),
        checked_in(city, *a, "m1", t + timedelta(days=1)),
        step(city, "checked_out", *a, "m1", t + timedelta(days=1, hours=2), checked_out_at="2026-03-02T02:00:00Z",
             source="qr"),
        hours(city, *a, "m1", t + timedelta(days=1, hours=2), 2.0),
        hours(city, *a, "m5", t + timedelta(days=2), 1.0, source="correction"),
        # Shift B, 31 March local: recorded by hand after local midnight (1 April 00:30 in Beijing)
        # still counts in March, the shift's month.
        signed(city, *b, "m1", t),
        checked_in(city, *b, "m1", datetime.fromisoformat("2026-03-31T16:30:00+00:00"), source="manual"),
        hours(city, *b, "m1", datetime.fromisoformat("2026-03-31T16:30:00+00:00"), 1.5, source="manual"),
        # Shift C in c2 (same street), April.
        signed(city, *c, "m4", t), checked_in(city, *c, "m4", datetime.fromisoformat("2026-04-01T01:00:00+00:00")),
    ]
    # Every event delivered twice (a relay that retried): each counts once.
    await feed.send("claims.demands.v1", [e for e in events for _ in range(2)])
    await settle(ev, len(city.PATHS) + len(events))

    async def figures(scope: str, period: str) -> dict:
        r = await client.get(f"/stats/{scope}", params={"period": period}, headers=auth("city_admin"))
        assert r.status_code == 200, r.text
        body = r.json()
        return {k: body["counters"][k] for k in ("shifts_held", "shift_signups", "shift_attended", "shift_hours")} \
            | {"rate": body["derived"]["shift_attendance_rate"]}

    march = {"shifts_held": 2, "shift_signups": 4, "shift_attended": 3, "shift_hours": 4.5, "rate": 0.75}
    assert await figures("community:c1", "2026-03") == march
    assert await figures("street:s1", "2026-03") == march  # c2 had nothing in March
    april = {"shifts_held": 1, "shift_signups": 1, "shift_attended": 1, "shift_hours": 0, "rate": 1.0}
    assert await figures("street:s1", "2026-04") == april
    assert await figures("community:c1", "2026-04") == {**april, "shifts_held": 0, "shift_signups": 0,
                                                        "shift_attended": 0, "rate": None}
    assert (await figures("city", "2026"))["shift_signups"] == 5
