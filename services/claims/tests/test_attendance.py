"""Attendance of shifts: QR check-in/out in its windows, manual entry, corrections, hours as events."""

from __future__ import annotations

from gongjian_shared.contracts import validate_event
from gongjian_shared.localtime import frozen, parse_instant
from gongjian_shared.testing import auth

from .test_shifts import position

HOURS = "shift.hours_recorded"


async def link_token(world, pid: str, c: str) -> dict:
    r = await world.client.get(f"/demands/{pid}/check-in-link", headers=auth("community_admin", c))
    assert r.status_code == 200, r.text
    return {"token": r.json()["token"]}


async def test_check_in_window_manual_entry_and_corrections(world):
    c, other = await world.community(), await world.community()
    m = await world.member(c)
    me, staff = auth("member", sub=m), auth("community_admin", c)
    with frozen("2026-11-30T12:00:00Z") as clock:
        pid = await position(world, c)
        token = await link_token(world, pid, c)
        first, second, third = f"{pid}@2026-12-02", f"{pid}@2026-12-03", f"{pid}@2026-12-04"
        for shift in (first, second, third):
            assert (await world.client.post(f"/shifts/{shift}/signups", headers=me)).status_code == 201
        assert (await world.client.post(f"/shifts/{third}/cancellation", headers=me)).status_code == 200

        # 07:00 local on 2 Dec, an hour before the 08:00 start: too early (the window opens at 07:30).
        clock.set(parse_instant("2026-12-01T23:00:00Z"))
        r = await world.client.post(f"/shifts/{first}/check-in", json=token, headers=me)
        assert r.status_code == 409 and r.json()["code"] == "check-in-not-open"
        assert "签到尚未开始" in r.json()["detail"] and "12月2日 08:00" in r.json()["detail"]
        r = await world.client.post(f"/shifts/{first}/check-in", json={"token": token["token"][:-1] + "x"},
                                    headers=me)
        assert r.status_code == 403 and r.json()["code"] == "bad-checkin-token"
        clock.set(parse_instant("2026-12-01T23:35:00Z"))  # 07:35 local
        r = await world.client.post(f"/shifts/{first}/check-in", json=token, headers=me)
        assert r.status_code == 200 and r.json()["status"] == "checked_in", r.text
        clock.set(parse_instant("2026-12-02T01:58:00Z"))  # 09:58 local: 08:00–09:58 counts, 1 h 58 min → 1.75 h
        r = await world.client.post(f"/shifts/{first}/check-out", json=token, headers=me)
        assert r.status_code == 200 and r.json()["hours"] == 1.75 and r.json()["hours_source"] == "qr"

        # The correction: one request at a time; declining needs a reason; approval credits the hours.
        ask = {"hours": 2, "reason": "8点前已到岗，扫码晚了"}
        r = await world.client.post(f"/shifts/{first}/correction", json=ask, headers=me)
        assert r.status_code == 200 and r.json()["correction"]["status"] == "pending"
        assert (await world.client.post(f"/shifts/{first}/correction", json=ask, headers=me)).json()["code"] \
            == "correction-pending"
        decision = f"/shifts/{first}/signups/{m}/correction/decision"
        r = await world.client.post(decision, json={"approved": False}, headers=staff)
        assert r.status_code == 422 and r.json()["code"] == "reason-required"
        r = await world.client.post(decision, json={"approved": True}, headers=auth("community_admin", other))
        assert r.status_code == 403
        r = await world.client.post(decision, json={"approved": False, "reason": "签到记录为07:35，已按班次时间计"},
                                    headers=staff)
        assert r.status_code == 200 and r.json()["correction"]["status"] == "declined" and r.json()["hours"] == 1.75
        r = await world.client.post(f"/shifts/{first}/correction", json={**ask, "reason": "补充说明：站点负责人可证明"},
                                    headers=me)
        assert r.status_code == 200
        r = await world.client.post(decision, json={"approved": True}, headers=staff)
        assert r.status_code == 200 and r.json()["hours"] == 2.0 and r.json()["hours_source"] == "correction"

        # Second shift: the member comes after it ended — refused; the official records it by hand.
        clock.set(parse_instant("2026-12-03T02:10:00Z"))  # 10:10 local on 3 Dec, the shift ended at 10:00
        r = await world.client.post(f"/shifts/{second}/check-in", json=token, headers=me)
        assert r.status_code == 409 and r.json()["code"] == "check-in-closed" and "已结束" in r.json()["detail"]
        manual = f"/shifts/{second}/signups/{m}/attendance"
        times = {"checked_in_at": "2026-12-03T08:10:00", "checked_out_at": "2026-12-03T09:40:00"}  # local
        r = await world.client.post(manual, json=times, headers=staff)
        assert r.status_code == 422  # the reason is required
        r = await world.client.post(manual, json={**times, "reason": "手机没电，现场登记"},
                                    headers=auth("community_admin", other))
        assert r.status_code == 403
        r = await world.client.post(manual, json={**times, "reason": "手机没电，现场登记"}, headers=staff)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["hours"] == 1.5 and body["hours_source"] == "manual" and body["checked_in_at"] == "2026-12-03T00:10:00Z"
        assert body["manual"]["reason"] == "手机没电，现场登记" and body["manual"]["by"]

        mine = (await world.client.get("/shift-signups/mine", headers=me)).json()["items"]
        assert [(s["day"], s["hours"]) for s in mine if s["status"] != "cancelled"] == [("2026-12-03", 1.5),
                                                                                        ("2026-12-02", 2.0)]

    # The hours travel as events, each credit once; a correction names the credit it replaces.
    def credits(events):
        return [e for e in events if e["type"] == f"gongjian.{HOURS}" and e["data"]["claimant_id"] == m]
    events = credits(await world.events("claims.demands.v1", lambda evs: len(credits(evs)) >= 3))
    assert [(e["data"]["source"], e["data"]["hours"]) for e in events] == [("qr", 1.75), ("correction", 2.0),
                                                                          ("manual", 1.5)]
    assert events[1]["data"]["replaces_event_id"] == events[0]["id"] and events[1]["data"]["previous_hours"] == 1.75
    assert events[2]["data"]["replaces_event_id"] is None and events[2]["data"]["shift_id"] == second
    notices = await world.db["notifications"].count_documents({"subject_id": {"$regex": f"~{m}$"}})
    assert notices >= 4  # request (to the community), two decisions and the manual entry (to the member)

    # Each step of the sign-ups travels too (issue 14.2: evaluation counts sign-ups and attendance),
    # contract-shaped, in the order it happened: a check-out's event before its hours.
    def steps(events):
        return [e for e in events if e["type"].startswith("gongjian.shift.") and e["data"]["claimant_id"] == m]
    events = steps(await world.events("claims.demands.v1", lambda evs: len(steps(evs)) >= 11))
    for e in events:
        validate_event(e)
    assert [(e["type"].removeprefix("gongjian.shift."), e["data"]["shift_id"][-5:], e["data"].get("source"))
            for e in events] == [
        ("signed_up", "12-02", None), ("signed_up", "12-03", None), ("signed_up", "12-04", None),
        ("signup_cancelled", "12-04", None), ("checked_in", "12-02", "qr"), ("checked_out", "12-02", "qr"),
        ("hours_recorded", "12-02", "qr"), ("hours_recorded", "12-02", "correction"),
        ("checked_in", "12-03", "manual"), ("checked_out", "12-03", "manual"), ("hours_recorded", "12-03", "manual")]
    assert events[4]["data"]["checked_in_at"] == "2026-12-01T23:35:00Z" and events[1]["data"]["day"] == "2026-12-03"
    assert all("name" not in e["data"] for e in events)  # ids only: no personal data on Kafka
