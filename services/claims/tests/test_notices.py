"""Notices as events (issue 14, point 7): every notice is on claims.notices.v1, once, without personal data."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from gongjian_claims.service.notifications import notify
from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import auth

SECOND = 1 / 3600  # in hours


def _of(events: list[dict], subject: str) -> list[dict]:
    return [e for e in events if e["data"]["subject_id"] == subject]


async def test_a_deadline_reminder_is_a_notice_event_for_each_recipient(world):
    c = await world.community()
    member = await world.member(c)
    # The reminder falls due 8 s after publishing: time enough for the claim on a loaded machine.
    due = datetime.now(UTC) + timedelta(seconds=60)
    demand = await world.demand(c, due_at=due.isoformat(), remind_before_hours=52 * SECOND,
                                escalate_after_hours=3600)
    assert (await world.claim(demand["id"], member)).status_code == 201
    events = await world.events("claims.notices.v1", lambda evs: len(_of(evs, demand["id"])) >= 2, timeout=60)
    mine = _of(events, demand["id"])
    got = {(e["data"]["kind"], e["data"]["recipient_id"], e["data"]["recipient_kind"]) for e in mine}
    assert got == {("demand.remind", member, "member"), ("demand.remind", c, "place")}
    for e in mine:
        validate_event(e)
        assert e["subject"] == e["data"]["notice_id"] and e["communityid"] == c
    remind = next(e for e in mine if e["data"]["recipient_id"] == member)
    assert remind["data"]["kind_label"] == "到期提醒" and "到期，请抓紧办理" in remind["data"]["text"]
    notes = (await world.client.get("/notifications", headers=auth("member", sub=member))).json()["items"]
    assert [n["id"] for n in notes if n["subject_id"] == demand["id"]] == [remind["data"]["notice_id"]]


async def test_the_same_cause_notices_a_recipient_once_and_masks_phone_numbers(world):
    c = await world.community()
    args = dict(kind="demand.matched", subject_id=f"d-{c}", community_id=c, audience="member")
    text = "新需求与您的专长匹配，联系 138 1234 5678"
    first = await notify(world.db, f"match-{c}", "member-x", text=text, **args)
    again = await notify(world.app.state.runtime, f"match-{c}", "member-x", text=text, **args)
    assert (first, again) == (True, False)
    await world.events("claims.notices.v1", lambda evs: _of(evs, f"d-{c}"))
    await asyncio.sleep(1.0)  # a duplicate would be right behind
    events = _of(await world.events("claims.notices.v1", lambda evs: _of(evs, f"d-{c}")), f"d-{c}")
    assert len(events) == 1
    data = events[0]["data"]
    assert "138" not in data["text"] and "[手机号已隐藏]" in data["text"]
    assert data["kind_label"] == "新需求匹配" and data["recipient_kind"] == "member"
    stored = await world.db["notifications"].find_one({"_id": data["notice_id"]})
    assert stored["text"] == data["text"]


async def test_a_notice_to_a_community_is_its_staffs_not_its_members_or_residents(world):
    """Attack pass (issue 11): /notifications listed a community's staff notices to anyone whose
    token named the community (members who reported there, residents). Now only staff see them."""
    c = await world.community()
    await notify(world.db, f"staff-{c}", c, kind="demand.escalate", subject_id=f"d-{c}", community_id=c,
                 audience="place", text="需求逾期未办结，请督办")
    await notify(world.db, f"own-{c}", "member-own", kind="demand.remind", subject_id=f"d-{c}", community_id=c,
                 audience="member", text="需求即将到期")

    async def seen(*args, sub):
        items = (await world.client.get("/notifications", headers=auth(*args, sub=sub))).json()["items"]
        return {n["recipient"] for n in items if n["subject_id"] == f"d-{c}"}

    assert await seen("community_admin", c, sub="admin-x") == {c}
    assert await seen("member", c, sub="member-own") == {"member-own"}
    assert await seen("member", c, sub="member-other") == set()
    assert await seen("resident", c, sub="resident-x") == set()


async def test_the_claimant_hears_the_verdict_a_send_back_with_the_communitys_reason(world):
    """The member whose service is sent back (退回) is told why, to record it again; then of the approval."""
    c = await world.community()
    member = await world.member(c)
    staff, me = auth("community_admin", c), auth("member", sub=member)
    did = (await world.demand(c))["id"]
    claim = (await world.claim(did, member)).json()["claim_id"]
    base = f"/demands/{did}/claims/{claim}"
    for verdict in ({"approved": False, "reason": "请补充服务照片"}, {"approved": True}):
        assert (await world.client.post(f"{base}/fulfilment", json={"hours": 1}, headers=me)).status_code == 200
        assert (await world.client.post(f"{base}/verification", json=verdict, headers=staff)).status_code == 200
    events = await world.events("claims.notices.v1", lambda evs: len(_of(evs, did)) >= 2, timeout=60)
    told = [(e["data"]["kind"], e["data"]["recipient_id"], e["data"]["recipient_kind"]) for e in _of(events, did)]
    assert sorted(told) == [("claim.approved", member, "member"), ("claim.sent_back", member, "member")]
    sent_back = next(e for e in _of(events, did) if e["data"]["kind"] == "claim.sent_back")
    validate_event(sent_back)
    assert sent_back["data"]["kind_label"] == "服务被退回" and "请补充服务照片" in sent_back["data"]["text"]
    notes = (await world.client.get("/notifications", headers=me)).json()["items"]
    assert {n["kind"] for n in notes if n["subject_id"] == did} == {"claim.sent_back", "claim.approved"}


async def test_whoever_a_suggestion_is_handed_to_is_told_by_mode_without_the_residents_words(world):
    c = await world.community()
    member, unit = await world.member(c), await world.unit(c)
    staff = auth("community_admin", c)
    s = (await world.client.post("/suggestions", json={"community_id": c, "title": "5 号楼漏水，电话 13812345678"},
                                 headers=auth("resident", c, sub=f"resident-h{c[-6:]}"))).json()["id"]
    for body in ({"mode": "代办", "assignee_id": member, "assignee_kind": "member"},
                 {"mode": "领办", "assignee_id": unit, "assignee_kind": "unit"}):  # 改派 to the unit
        r = await world.client.post(f"/suggestions/{s}/assignment", json=body, headers=staff)
        assert r.status_code == 200, r.text
    events = await world.events("claims.notices.v1", lambda evs: sum(
        e["data"]["kind"] == "suggestion.handed" for e in _of(evs, s)) >= 2, timeout=60)
    handed = [e["data"] for e in _of(events, s) if e["data"]["kind"] == "suggestion.handed"]
    assert sorted((d["recipient_id"], d["recipient_kind"]) for d in handed) == sorted([(member, "member"), (unit, "unit")])
    texts = {d["recipient_id"]: d["text"] for d in handed}
    assert "（代办）" in texts[member] and "（领办）" in texts[unit] and handed[0]["kind_label"] == "意见建议交您办理"
    assert not any("漏水" in t or "138" in t for t in texts.values())
