"""Local calendar in evaluation (issue 9.1): caps, ledger periods, years and rating year cut in China time.

Seen on 2026-11-30: a member's points for ``period=2026-10`` listed an entry earned at 04:00 on
1 Nov China time while the total left it out. Events carry UTC times; the cuts must be local.
"""

from __future__ import annotations

from datetime import UTC, datetime

from gongjian_evaluation.testing import iso, settle
from gongjian_shared.testing import auth


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def _points(client, holder: str, period: str) -> dict:
    r = await client.get(f"/holders/{holder}/points", params={"period": period}, headers=auth("member", sub=holder))
    assert r.status_code == 200, r.text
    return r.json()


async def test_caps_periods_and_years_are_local(ns, service, feed, city, clock):
    client, ev = service
    # Rules from 11:00 local on T0's day (a naive time: 03:00Z), day cap 50 and year cap 100.
    r = await client.post("/rules", json={"effective_from": "2026-03-02T11:00:00", "caps": {"day": 50, "year": 100}},
                          headers=auth("city_admin"))
    assert r.status_code == 201 and r.json()["effective_from"] == "2026-03-02T03:00:00Z", r.text
    await feed.send("registry.places.v1", city.places())
    three_hours = [  # 30 points each before caps
        ("p", utc(2026, 10, 15, 2)), ("p", utc(2026, 10, 31, 20)),  # the second is 04:00 on 1 Nov China time
        ("d", utc(2026, 11, 30, 15, 59, 58)), ("d", utc(2026, 11, 30, 15, 59, 59)),  # 30 + 20: day cap
        ("d", utc(2026, 11, 30, 16, 0, 0)),  # a new local day: 30 again
        ("y", utc(2026, 12, 28, 2)), ("y", utc(2026, 12, 29, 2)), ("y", utc(2026, 12, 30, 2)),
        ("y", utc(2026, 12, 31, 15, 59, 59)),  # 90 so far: year cap leaves 10
        ("y", utc(2026, 12, 31, 16, 0, 0)),  # 2027 in China: a fresh year
        ("f", utc(2028, 2, 28, 16, 0, 0)),  # 00:00 on 29 Feb 2028 China time
    ]
    await feed.send("claims.demands.v1", [city.verified(f"d{i}", f"m-{who}", "c1", 3, at=at)
                                          for i, (who, at) in enumerate(three_hours)])
    await settle(ev, len(city.PATHS) + len(three_hours))

    october, november = await _points(client, "m-p", "2026-10"), await _points(client, "m-p", "2026-11")
    assert (october["points"], [e["earned_at"] for e in october["entries"]]) == (30, [iso(utc(2026, 10, 15, 2))])
    assert (november["points"], [e["earned_at"] for e in november["entries"]]) == (30, [iso(utc(2026, 10, 31, 20))])

    day = await _points(client, "m-d", "all")
    assert sorted(e["points"] for e in day["entries"]) == [20, 30, 30] and day["points"] == 80
    assert (await _points(client, "m-d", "2026-12"))["points"] == 30

    y2026, y2027 = await _points(client, "m-y", "2026"), await _points(client, "m-y", "2027")
    assert (y2026["points"], len(y2026["entries"])) == (100, 4)
    assert (y2027["points"], len(y2027["entries"])) == (30, 1)
    assert sum(e["points"] for e in y2026["entries"]) == y2026["points"]  # the list and the total agree
    assert y2026["by_year"] == {"2026": 100, "2027": 30}

    leap = await _points(client, "m-f", "2028-02")
    assert leap["points"] == 30 and len(leap["entries"]) == 1

    clock.set(utc(2026, 12, 31, 16, 0, 0))  # New Year in China: "this year" is 2027
    r = await client.get("/holders/m-y/rating", headers=auth("member", sub="m-y"))
    assert r.status_code == 200 and r.json()["year"] == 2027, r.text


async def test_naive_and_date_only_inputs_never_500(ns, service, feed, city, clock):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    await settle(ev, len(city.PATHS))
    r = await client.post("/campaigns", json={"district_id": "d1", "year": 2026, "closes_at": "2026-12-31"},
                          headers=auth("city_admin"))
    assert r.status_code == 201, r.text
    assert r.json()["closes_at"] == "2026-12-31T16:00:00Z"  # the end of 31 Dec China time
    r = await client.post("/activities", json={"community_id": "c1", "title": "重阳节慰问",
                                               "held_at": "2026-03-02T09:00:00", "participant_ids": ["m1"]},
                          headers=auth("city_admin"))
    assert r.status_code == 201, r.text  # 09:00 local = 01:00Z, before the clock's 02:00Z
    r = await client.post("/activities", json={"community_id": "c1", "title": "未来活动",
                                               "held_at": "2026-03-02T10:30:00", "participant_ids": ["m1"]},
                          headers=auth("city_admin"))
    assert r.status_code == 422 and r.json()["code"] == "future-activity"  # 10:30 local = 02:30Z: later than now


def test_dashboard_days_and_deadlines_are_local() -> None:
    from datetime import date

    from gongjian_evaluation.dashboard.activity import Activity, day_of

    act = Activity(days=7)
    for type_ in ("demand.published", "demand.overdue"):
        act.apply({"type": f"gongjian.{type_}", "subject": "d-1", "communityid": "a", "time": "2026-12-31T16:00:00Z",
                   "data": {"category": "志愿服务", "title": "送餐", "due_at": "2026-12-05T16:00:00Z"}})
    assert day_of("2026-12-31T15:59:59Z") == date(2026, 12, 31) and day_of("2026-12-31T16:00:00Z") == date(2027, 1, 1)
    summary = act.summary(None, date(2027, 1, 1), {})
    assert summary["days"][-1] == "2027-01-01" and summary["by_day"]["demand.published"][-1] == 1
    assert summary["overdue"][0]["due_text"] == "2026年12月5日 24:00"
