"""Honest closure (issue 14, point 4): the resident hears of each step, answers 解决了吗, and a
"not" within 7 local days reopens the item (not after); only the person served answers or rates."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from gongjian_shared.contracts import validate_event
from gongjian_shared.localtime import frozen, local_date, zone
from gongjian_shared.testing import auth

WISH_STEPS = ["wish.approved", "wish.claimed", "wish.fulfilled", "wish.verified", "wish.closed"]


def _local(day, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=zone())


async def _closed_wish(world, c: str, resident: dict, member: str) -> tuple[str, str]:
    r = await world.client.post("/wishes", json={"community_id": c, "title": "修理轮椅"}, headers=resident)
    wish = r.json()["id"]
    assert (await world.client.post(f"/wishes/{wish}/decision", json={"approved": True},
                                    headers=auth("community_admin", c))).status_code == 200
    claim = (await world.client.post(f"/wishes/{wish}/claims", headers=auth("member", sub=member))).json()["claim_id"]
    await _fulfil_and_confirm(world, wish, claim, resident, member)
    return wish, claim


async def _fulfil_and_confirm(world, wish: str, claim: str, resident: dict, member: str) -> None:
    r = await world.client.post(f"/demands/{wish}/claims/{claim}/fulfilment", json={"hours": 1, "beneficiaries": 1},
                                headers=auth("member", sub=member))
    assert r.status_code == 200, r.text
    r = await world.client.post(f"/wishes/{wish}/confirmation", json={"claim_id": claim, "satisfied": True},
                                headers=resident)
    assert r.status_code == 200 and r.json()["status"] == "closed", r.text


def _chinese(text: str) -> bool:
    return "\u4e00" <= text[0] <= "\u9fff"


def _notices(events: list[dict], subject: str, recipient: str) -> list[str]:
    return [e["data"]["kind"] for e in events if e["data"]["subject_id"] == subject
            and e["data"]["recipient_id"] == recipient]


async def _served(world) -> tuple[str, str, str, dict, str, str]:
    """(community, member, poster, the poster's headers, wish, claim): a wish the member fulfilled, closed."""
    c = await world.community()
    member = await world.member(c)
    poster = f"resident-{c[-6:]}"
    resident = auth("resident", c, sub=poster)
    wish, claim = await _closed_wish(world, c, resident, member)
    return c, member, poster, resident, wish, claim


async def test_wish_steps_are_told_and_a_not_within_7_local_days_reopens_it(world):
    c, member, poster, resident, wish, claim = await _served(world)

    events = await world.events("claims.notices.v1", lambda evs: len(_notices(evs, wish, poster)) >= 5, timeout=30)
    assert sorted(_notices(events, wish, poster)) == sorted(WISH_STEPS)
    closed = next(e for e in events if e["data"]["subject_id"] == wish and e["data"]["kind"] == "wish.closed")
    validate_event(closed)
    assert "解决了吗" in closed["data"]["text"] and "修理轮椅" not in closed["data"]["text"]

    # Only the resident who asked answers and rates: another resident, a member, staff are refused in Chinese.
    body = {"answer": "未解决", "comment": "还是推不动"}
    for who in (auth("resident", c, sub="resident-other"), auth("member", c, sub=member), auth("community_admin", c)):
        r = await world.client.post(f"/wishes/{wish}/answer", json=body, headers=who)
        assert r.status_code == 403 and _chinese(r.json()["detail"]), r.text
    r = await world.client.post(f"/wishes/{wish}/answer", json=body, headers=auth("resident", c, sub="resident-other"))
    assert "只有提出该微心愿的居民本人" in r.json()["detail"]
    for who in (auth("resident", c, sub="resident-other"), auth("member", c, sub=member)):
        r = await world.client.post(f"/demands/{wish}/rating", json={"score": 1}, headers=who)
        assert r.status_code == 403 and _chinese(r.json()["detail"]), r.text

    # Closed on local day D: a "not" at 23:50 local of D+7 still reopens it.
    doc = await world.db["demands"].find_one({"_id": wish})
    with frozen(_local(local_date(doc["closed_at"]) + timedelta(days=7), 23, 50)):
        r = await world.client.post(f"/wishes/{wish}/answer", json=body, headers=resident)
    assert r.status_code == 200, r.text
    assert r.json()["reopened"] is True and r.json()["status"] == "open" and r.json()["answer_label"] == "未解决"
    got = (await world.client.get(f"/wishes/{wish}", headers=resident)).json()
    assert got["status"] == "open" and got["claims"][0]["status"] == "claimed"
    again = await world.client.post(f"/wishes/{wish}/answer", json=body, headers=resident)
    assert again.status_code == 409  # open again: nothing to answer until it closes again

    events = await world.events("claims.notices.v1", lambda evs: "claim.sent_back" in _notices(evs, wish, member))
    assert "wish.reopened" in _notices(events, wish, poster)

    # Done again; this time the "not" comes on D'+8 at 00:10 local: recorded, counted, no reopening.
    await _fulfil_and_confirm(world, wish, claim, resident, member)
    doc = await world.db["demands"].find_one({"_id": wish})
    with frozen(_local(local_date(doc["closed_at"]) + timedelta(days=8), 0, 10)):
        r = await world.client.post(f"/wishes/{wish}/answer", json=body, headers=resident)
    assert r.status_code == 200 and r.json()["reopened"] is False and r.json()["status"] == "closed", r.text
    r = await world.client.post(f"/wishes/{wish}/answer", json={"answer": "resolved"}, headers=resident)
    assert r.status_code == 409 and r.json()["code"] == "already-answered"

    answered = await world.events("claims.wishes.v1", lambda evs: sum(
        e["subject"] == wish and e["type"].endswith("answered") for e in evs) >= 2)
    mine = [e for e in answered if e["subject"] == wish and e["type"].endswith("answered")]
    for e in mine:
        validate_event(e)
    assert [(e["data"]["round"], e["data"]["answer"], e["data"]["reopened"]) for e in mine] == [
        (0, "not", True), (1, "not", False)]


async def test_a_suggestion_reopens_and_is_told_to_its_author(world):
    c = await world.community()
    unit = await world.unit(c)
    author = f"resident-s{c[-6:]}"
    resident = auth("resident", c, sub=author)
    staff = auth("community_admin", c)
    s = (await world.client.post("/suggestions", json={"community_id": c, "title": "路灯不亮"}, headers=resident)).json()["id"]
    r = await world.client.post(f"/suggestions/{s}/answer", json={"answer": "resolved"}, headers=resident)
    assert r.status_code == 409 and r.json()["code"] == "not-closed-yet"
    await world.client.post(f"/suggestions/{s}/assignment", json={"mode": "上门", "assignee_id": unit,
                                                                  "assignee_kind": "unit"}, headers=staff)
    await world.client.post(f"/suggestions/{s}/resolution", json={"outcome": "resolved", "note": "已修"}, headers=staff)
    r = await world.client.post(f"/suggestions/{s}/answer", json={"answer": "not"},
                                headers=auth("member", c, sub="member-x"))
    assert r.status_code == 403
    r = await world.client.post(f"/suggestions/{s}/answer", json={"answer": "没解决"}, headers=resident)
    assert r.status_code == 200 and r.json()["reopened"] is True and r.json()["status"] == "assigned"
    assert r.json()["mode"] == "home_visit"

    events = await world.events("claims.notices.v1", lambda evs: "suggestion.reopened" in _notices(evs, s, author)
                                and "claim.sent_back" in _notices(evs, s, unit))
    assert {"suggestion.received", "suggestion.assigned", "suggestion.resolved"} <= set(_notices(events, s, author))

    # A second one, 领办 and resolved to the author's satisfaction: counted by mode and by answer.
    s2 = (await world.client.post("/suggestions", json={"community_id": c, "title": "垃圾分类"}, headers=resident)).json()["id"]
    await world.client.post(f"/suggestions/{s2}/assignment", json={"mode": "领办", "assignee_id": unit,
                                                                   "assignee_kind": "unit"}, headers=staff)
    await world.client.post(f"/suggestions/{s2}/resolution", json={"outcome": "resolved", "note": "已办"}, headers=staff)
    r = await world.client.post(f"/suggestions/{s2}/answer", json={"answer": "已解决"}, headers=resident)
    assert r.status_code == 200 and r.json()["reopened"] is False
    stats = (await world.client.get("/suggestions/stats", params={"place_id": c}, headers=staff)).json()
    assert {m["label"]: m["count"] for m in stats["by_mode"]} == {"领办": 1, "代办": 0, "上门": 1}
    assert {a["label"]: a["count"] for a in stats["by_answer"]} == {"已解决": 1, "部分解决": 0, "未解决": 1}
    assert stats["answered"] == 2 and stats["satisfaction_rate"] == 0.5


async def test_a_reopened_wishs_claim_counts_among_the_claimants_open_claims(world):
    c, member, _, resident, wish, claim = await _served(world)
    other = await world.demand(c, max_open_claims=1)  # the claimant may hold one open claim for this one

    r = await world.client.post(f"/wishes/{wish}/answer", json={"answer": "not"}, headers=resident)
    assert r.status_code == 200 and r.json()["reopened"] is True, r.text
    # The reopened claim is open again: it holds the one slot, so the other need is refused...
    refused = await world.claim(other["id"], member)
    assert refused.status_code == 409 and refused.json()["code"] == "claim-limit-reached", refused.text
    assert await world.db["claimant_loads"].count_documents({"claimant_id": member, "claim_id": claim}) == 1
    # ...until the wish is done again, which gives the slot back.
    await _fulfil_and_confirm(world, wish, claim, resident, member)
    assert await world.db["claimant_loads"].count_documents({"claimant_id": member}) == 0
    assert (await world.claim(other["id"], member)).status_code == 201
