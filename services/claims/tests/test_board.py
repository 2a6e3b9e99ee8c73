"""The demand board (清单看板) and the meeting list: stages, filters, order and pages from the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gongjian_shared.testing import auth, eventually


async def _stage_items(world, staff, place: str, **params) -> dict:
    r = await world.client.get("/board", params={"place_id": place, **params}, headers=staff)
    assert r.status_code == 200, r.text
    return r.json()


async def test_board_by_stage_with_counts_order_and_pages(world):
    c, elsewhere = await world.community(), await world.community(world.other_street)
    a, b = await world.member(c), await world.member(c)
    staff = auth("community_admin", c)
    soon = (datetime.now(UTC) + timedelta(seconds=8)).isoformat()  # published first: falls overdue while we go on
    late = await world.demand(c, title="逾期未办", due_at=soon, escalate_after_hours=0)
    fresh = await world.demand(c, title="无人认领", due_at="2099-12-01")
    claimed = await world.demand(c, title="已有人认领", due_at="2099-11-01")
    fulfilled = await world.demand(c, title="等待核验", due_at="2099-10-01")
    await world.demand(elsewhere, title="别的街道")
    assert (await world.claim(claimed["id"], a)).status_code == 201
    claim = (await world.claim(fulfilled["id"], b)).json()["claim_id"]
    r = await world.client.post(f"/demands/{fulfilled['id']}/claims/{claim}/fulfilment", json={"hours": 1},
                                headers=auth("member", sub=b))
    assert r.status_code == 200, r.text

    async def overdue():
        return (await world.db["demands"].find_one({"_id": late["id"]})).get("overdue")
    await eventually(overdue, timeout=40)

    board = await _stage_items(world, staff, c)
    assert board["counts"] == {"open": 2, "claimed": 1, "fulfilled": 1, "verified": 0, "overdue": 1, "closed": 0}
    stages = {i["title"]: i["stage"] for i in board["items"]}
    assert stages == {"无人认领": "open", "已有人认领": "claimed", "等待核验": "fulfilled", "逾期未办": "overdue"}
    assert [i["title"] for i in (await _stage_items(world, staff, c, stage="fulfilled"))["items"]] == ["等待核验"]
    assert [i["title"] for i in (await _stage_items(world, staff, c, stage="overdue"))["items"]] == ["逾期未办"]
    # Earliest deadline first, two a page: the second page holds the third and fourth.
    page = await _stage_items(world, staff, c, sort="due_at", limit=2, offset=2)
    assert page["total"] == 4 and [i["title"] for i in page["items"]] == ["已有人认领", "无人认领"]

    # The street's staff see the street's communities, not the other street's.
    street = await _stage_items(world, auth("community_admin", world.street), world.street, stage="overdue")
    assert late["id"] in {i["id"] for i in street["items"]}
    # A claim stage on the street's board comes from its communities' claims (service/board.py).
    street = await _stage_items(world, auth("community_admin", world.street), world.street, stage="claimed", limit=200)
    assert claimed["id"] in {i["id"] for i in street["items"]} and fresh["id"] not in {i["id"] for i in street["items"]}
    assert street["counts"]["fulfilled"] >= 1 and street["total"] == street["counts"]["claimed"]
    assert "别的街道" not in {i["title"] for i in (await _stage_items(world, auth("community_admin", world.street),
                                                                     world.street, limit=200))["items"]}
    # Other places' staff, units and members get 403; an unknown stage 422.
    for who in (auth("community_admin", elsewhere), auth("unit_admin", "unit-x"), auth("member", sub=a)):
        assert (await world.client.get("/board", params={"place_id": c}, headers=who)).status_code == 403
    r = await world.client.get("/board", params={"place_id": c, "stage": "lost"}, headers=staff)
    assert r.status_code == 422


async def test_meetings_listed_with_their_tasks(world):
    c = await world.community()
    staff = auth("community_admin", c)
    due = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    for title in ("一季度联席会议", "二季度联席会议"):
        r = await world.client.post("/meetings", headers=staff, json={
            "place_id": c, "title": title, "held_at": datetime.now(UTC).isoformat(),
            "decisions": [{"title": f"{title}议定事项", "owner_id": "official-1", "owner_kind": "official",
                           "due_at": due}]})
        assert r.status_code == 201, r.text
    r = await world.client.get("/meetings", params={"place_id": c, "limit": 1}, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 2 and r.json()["items"][0]["title"] == "二季度联席会议"
    assert r.json()["items"][0]["tasks"][0]["title"] == "二季度联席会议议定事项"
    r = await world.client.get("/meetings", params={"place_id": c}, headers=auth("unit_admin", "unit-x"))
    assert r.status_code == 403
