"""Positions served in shifts (班次): schedule expansion in local time, sign-up within capacity."""

from __future__ import annotations

import asyncio
from datetime import date

from gongjian_claims.domain.shifts import Schedule, credited_hours, expand, occurrence, parse_shift_id
from gongjian_shared.localtime import frozen, parse_instant
from gongjian_shared.testing import auth

MON_THU = Schedule(date(2027, 1, 25), date(2027, 2, 8), (1, 4), "07:00", "09:00", 2)


def test_schedule_expands_across_a_month_end_on_local_weekdays():
    shifts = expand("d1", MON_THU)
    # Mon 25 Jan, Thu 28 Jan, Mon 1 Feb, Thu 4 Feb, Mon 8 Feb (local): the month end crossed.
    assert [s.day.isoformat() for s in shifts] == ["2027-01-25", "2027-01-28", "2027-02-01", "2027-02-04",
                                                  "2027-02-08"]
    first = shifts[0]
    # 07:00 China time is 23:00 UTC the day before: days are cut in local time, stored as UTC.
    assert first.starts_at == parse_instant("2027-01-24T23:00:00Z") and first.hours == 2.0
    assert first.id == "d1@2027-01-25" and parse_shift_id(first.id) == ("d1", date(2027, 1, 25))
    assert occurrence("d1", MON_THU, date(2027, 1, 26)) is None  # a Tuesday
    assert occurrence("d1", MON_THU, date(2027, 2, 11)) is None  # a Thursday after the last day
    assert [s.day.day for s in expand("d1", MON_THU, date(2027, 1, 29), date(2027, 2, 2))] == [1]
    assert Schedule(date(2027, 1, 1), date(2027, 1, 1), (8,), "08:00", "10:00", 1).problem()
    assert Schedule(date(2027, 1, 1), date(2027, 1, 1), (1,), "10:00", "08:00", 1).problem()


def test_three_months_make_many_shifts_each_with_its_own_hours():
    quarter = Schedule(date(2026, 12, 1), date(2027, 2, 28), (2, 4, 6), "08:00", "10:00", 3)
    shifts = expand("d1", quarter)
    assert len(shifts) == 39 and len({s.id for s in shifts}) == 39  # 13 weeks × 3 days
    s = shifts[0]
    at = parse_instant
    # Inside the shift only, whole quarter hours rounded down (domain/shifts.py).
    assert credited_hours(s, at("2026-12-01T08:05:00+08:00"), at("2026-12-01T09:58:00+08:00")) == 1.75
    assert credited_hours(s, at("2026-12-01T07:40:00+08:00"), at("2026-12-01T10:20:00+08:00")) == 2.0
    assert credited_hours(s, at("2026-12-01T09:50:00+08:00"), at("2026-12-01T10:05:00+08:00")) == 0.0


async def position(world, c: str, *, capacity: int = 2, weekdays=(1, 2, 3, 4, 5, 6, 7), start="08:00",
                   end="10:00", first="2026-12-01", last="2027-02-28") -> str:
    staff = auth("community_admin", c)
    r = await world.client.post("/positions", headers=staff, json={
        "community_id": c, "category": "文体服务", "item": "老年大学授课", "title": "老年大学志愿教师",
        "capacity": capacity, "period_start": first, "period_end": last})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = await world.client.put(f"/positions/{pid}/schedule", headers=staff, json={
        "weekdays": list(weekdays), "start": start, "end": end, "capacity": capacity})
    assert r.status_code == 200, r.text
    return pid


async def test_listing_shifts_from_today_in_local_time(world):
    c = await world.community()
    with frozen("2026-11-30T12:00:00Z"):
        pid = await position(world, c, weekdays=(2, 4))
        staff = auth("community_admin", c)
        r = await world.client.put(f"/positions/{pid}/schedule", headers=staff,
                                   json={"weekdays": [9], "start": "08:00", "end": "10:00"})
        assert r.status_code == 422 and "每周服务日" in r.json()["detail"]
        r = await world.client.put(f"/positions/{pid}/schedule", headers=staff,
                                   json={"weekdays": [2, 4], "start": "１０:００", "end": "08:00"})
        assert r.status_code == 422 and r.json()["code"] == "bad-schedule"  # full-width folded, then refused
    with frozen("2026-12-02T16:30:00Z"):  # 00:30 on Thursday 3 Dec, China time: today is the 3rd
        r = await world.client.get(f"/positions/{pid}/shifts", headers=auth("member", sub="m-x"))
    assert r.status_code == 200, r.text
    days = [s["day"] for s in r.json()["items"]]
    assert days[:3] == ["2026-12-03", "2026-12-08", "2026-12-10"] and len(days) == 8  # four weeks, two a week
    assert r.json()["items"][0]["starts_at"] == "2026-12-03T00:00:00Z" and r.json()["items"][0]["left"] == 2


async def test_sign_up_never_exceeds_a_shifts_capacity_under_concurrency(world):
    c = await world.community()
    members = await world.members(c, 12)
    with frozen("2026-11-30T12:00:00Z"):
        pid = await position(world, c, capacity=3)
        shift = f"{pid}@2026-12-05"
        answers = await asyncio.gather(*(world.client.post(f"/shifts/{shift}/signups", headers=auth("member", sub=m))
                                         for m in members))
        codes = sorted(r.status_code for r in answers)
        assert codes == [201] * 3 + [409] * 9, [r.text for r in answers]
        assert {r.json()["code"] for r in answers if r.status_code == 409} == {"shift-full"}
        assert all("名额已满" in r.json()["detail"] for r in answers if r.status_code == 409)
        assert await world.db["seats"].count_documents({"pool": shift}) == 3
        assert await world.db["shift_signups"].count_documents({"shift_id": shift, "status": "signed_up"}) == 3

        # One member tapping five times on another shift: one sign-up.
        other = f"{pid}@2026-12-06"
        taps = await asyncio.gather(*(world.client.post(f"/shifts/{other}/signups",
                                                        headers=auth("member", sub=members[0])) for _ in range(5)))
        assert sorted(r.status_code for r in taps) == [201] + [409] * 4
        assert await world.db["seats"].count_documents({"pool": other}) == 1

        # Cancelling gives the place back; the next member takes it.
        winners = [m for m, r in zip(members, answers, strict=True) if r.status_code == 201]
        loser = next(m for m in members[1:] if m not in winners)  # members[0] holds the other shift
        r = await world.client.post(f"/shifts/{shift}/cancellation", headers=auth("member", sub=winners[0]))
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        r = await world.client.post(f"/shifts/{shift}/signups", headers=auth("member", sub=loser))
        assert r.status_code == 201, r.text
        listed = (await world.client.get(f"/positions/{pid}/shifts", params={"from_day": "2026-12-05"},
                                         headers=auth("member", sub=loser))).json()["items"][0]
        assert listed["taken"] == 3 and listed["left"] == 0 and listed["mine"]["status"] == "signed_up"

        # Not reported to the community: refused as for claiming; an unscheduled day does not exist.
        stranger = await world.member(await world.community())
        r = await world.client.post(f"/shifts/{pid}@2026-12-07/signups", headers=auth("member", sub=stranger))
        assert r.status_code == 403 and r.json()["code"] == "not-eligible"
        r = await world.client.post(f"/shifts/{pid}@2027-03-07/signups", headers=auth("member", sub=loser))
        assert r.status_code == 404 and r.json()["code"] == "unknown-shift"

        roster = await world.client.get(f"/shifts/{shift}/signups", headers=auth("community_admin", c))
        assert roster.status_code == 200 and len([s for s in roster.json()["items"] if s["status"] == "signed_up"]) == 3
        mine = await world.client.get("/shift-signups/mine", headers=auth("member", sub=loser))
        assert [s["shift_id"] for s in mine.json()["items"]] == [shift]
        assert mine.json()["items"][0]["title"] == "老年大学志愿教师"


async def test_a_dead_sign_ups_seat_is_freed_and_a_running_shift_still_takes_people(world):
    c = await world.community()
    a, b = await world.members(c, 2)
    with frozen("2026-11-30T12:00:00Z") as clock:
        pid = await position(world, c, capacity=1)
        shift, other = f"{pid}@2026-12-05", f"{pid}@2026-12-06"
        # A process died after taking the only seat and before writing the sign-up: ten minutes ago...
        await world.db["seats"].insert_one({"_id": f"{shift}#0", "pool": shift, "seat": 0, "claim_id": f"{shift}~{a}",
                                            "claimant_id": a, "at": parse_instant("2026-11-30T11:50:00Z")})
        r = await world.client.post(f"/shifts/{shift}/signups", headers=auth("member", sub=b))
        assert r.status_code == 201, r.text
        # ...while a seat taken a moment ago may still become a sign-up: it is left alone.
        await world.db["seats"].insert_one({"_id": f"{other}#0", "pool": other, "seat": 0, "claim_id": f"{other}~{a}",
                                            "claimant_id": a, "at": parse_instant("2026-11-30T11:59:30Z")})
        r = await world.client.post(f"/shifts/{other}/signups", headers=auth("member", sub=b))
        assert r.status_code == 409 and r.json()["code"] == "shift-full"

        running = f"{pid}@2026-12-07"
        clock.set(parse_instant("2026-12-07T01:00:00Z"))  # 09:00 local: the 08:00–10:00 shift is running
        r = await world.client.post(f"/shifts/{running}/signups", headers=auth("member", sub=b))
        assert r.status_code == 201, r.text
        assert (await world.client.post(f"/shifts/{running}/cancellation",
                                        headers=auth("member", sub=b))).json()["code"] == "shift-started"
        clock.set(parse_instant("2026-12-07T02:00:00Z"))  # 10:00 local: over
        r = await world.client.post(f"/shifts/{running}/signups", headers=auth("member", sub=a))
        assert r.status_code == 409 and r.json()["code"] == "shift-over" and "已结束" in r.json()["detail"]
