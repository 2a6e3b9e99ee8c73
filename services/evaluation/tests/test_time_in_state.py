"""Issue 14.8: time-in-state figures (time to first claim, time to close, response, closure and
satisfaction rates) per community and street per local month, the monthly 红黑榜, the report
columns, against the real Kafka and FerretDB; plus the pure rules they rest on."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from gongjian_evaluation.domain import time_figures
from gongjian_evaluation.domain.time_in_state import Item
from gongjian_evaluation.testing import settle
from gongjian_shared.testing import auth, event_of, eventually, read_topic

NOW = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)
LAST_EVENING = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)  # 23:30 on 31 March in Asia/Shanghai: March
FIRST_NIGHT = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)   # 00:30 on 1 April in Asia/Shanghai: April


def _at(day: int, hour: int = 2, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def _claims(city) -> tuple[list[dict], list[dict], list[dict]]:
    """(demands, wishes, suggestions) of c1, c2 (street s1, district d1) and c3 (district d2)."""
    d = city.demand
    rated = {"claimants": [{"claim_id": "k", "claimant_id": "m1", "claimant_kind": "member"}]}
    demands = [
        # c1, March: n1 opened 23:30 local on the last day, claimed 12 h later, closed 3 days later, 5 stars
        d("demand.published", "n1", "c1", at=LAST_EVENING, capacity=1),
        d("demand.claimed", "n1", "c1", at=LAST_EVENING + timedelta(hours=12), claim_id="k1", claimant_id="m1"),
        d("demand.closed", "n1", "c1", at=LAST_EVENING + timedelta(days=3), outcome="completed"),
        d("demand.rated", "n1", "c1", at=LAST_EVENING + timedelta(days=3), score=5, **rated),
        # c1, March: n2 claimed after 100 h (late), never closed
        d("demand.published", "n2", "c1", at=_at(10), capacity=1),
        d("demand.claimed", "n2", "c1", at=_at(10) + timedelta(hours=100), claim_id="k2", claimant_id="m1"),
        # c1, March: the wish w1 (posted on 5 March, published on the 6th), claimed 36 h after it was posted
        d("demand.published", "w1", "c1", at=_at(6), kind="wish", wish_id="w1", capacity=1),
        d("demand.claimed", "w1", "c1", at=_at(6, 14), kind="wish", wish_id="w1", claim_id="k3", claimant_id="m1"),
        d("demand.closed", "w1", "c1", at=_at(8), kind="wish", wish_id="w1", outcome="completed"),
        d("demand.rated", "w1", "c1", at=_at(8), kind="wish", wish_id="w1", score=2, **rated),
        # c1, April (00:30 local on 1 April): n3 not claimed, its response window has passed
        d("demand.published", "n3", "c1", at=FIRST_NIGHT, capacity=1),
        # c2, March: n4 claimed in 2 h, closed in a day, 5 stars
        d("demand.published", "n4", "c2", at=_at(3), capacity=1),
        d("demand.claimed", "n4", "c2", at=_at(3, 4), claim_id="k4", claimant_id="m3"),
        d("demand.closed", "n4", "c2", at=_at(4), outcome="completed"),
        d("demand.rated", "n4", "c2", at=_at(4), score=5, **rated),
        # c3, March: n5 never claimed; a position is not an item
        d("demand.published", "n5", "c3", at=_at(20), capacity=1),
        d("demand.published", "p1", "c3", at=_at(20), kind="position", capacity=5),
        d("demand.claimed", "p1", "c3", at=_at(20, 3), kind="position", claim_id="k5", claimant_id="m4"),
    ]
    wishes = [
        city.demand("wish.posted", "w1", "c1", at=_at(5), wish_id="w1"),
        city.demand("wish.posted", "w2", "c1", at=_at(7), wish_id="w2"),
        city.demand("wish.rejected", "w2", "c1", at=_at(7, 6), wish_id="w2"),
    ]
    suggestions = [
        city.demand("suggestion.received", "g1", "c1", at=_at(12), suggestion_id="g1"),
        city.demand("suggestion.assigned", "g1", "c1", at=_at(12, 8), suggestion_id="g1", mode="take_charge"),
        city.demand("suggestion.resolved", "g1", "c1", at=_at(15), suggestion_id="g1", outcome="resolved"),
    ]
    return demands, wishes, suggestions


async def _feed(ev, feed, city) -> None:
    """Every event twice (redelivery: the same ids again), then wait until both copies were read."""
    await feed.send("registry.places.v1", city.places())
    demands, wishes, suggestions = _claims(city)
    sent = {"claims.demands.v1": demands, "claims.wishes.v1": wishes, "claims.suggestions.v1": suggestions}
    for _ in range(2):
        for topic, events in sent.items():
            await feed.send(topic, events)
    await settle(ev, len(city.PATHS) + sum(len(e) for e in sent.values()))

    async def all_read() -> bool:  # fresh topics: offsets + 1 summed over partitions = records read
        return all(sum(o + 1 for tp, o in ev.state.applied.items() if tp.startswith(f"{topic}:")) == 2 * len(events)
                   for topic, events in sent.items())
    await eventually(all_read, timeout=60, interval=0.1)


async def test_figures_per_month_in_local_time_not_double_counted_ranked_and_reported(ns, service, feed, city, clock):
    client, ev = service
    clock.set(NOW)
    await _feed(ev, feed, city)
    official = auth("city_admin")

    async def tis(scope: str, period: str) -> dict:
        got = await client.get(f"/stats/{scope}", params={"period": period}, headers=official)
        assert got.status_code == 200, got.text
        return got.json()["time_in_state"]

    march = await tis("community:c1", "2026-03")
    # n1 (23:30 local on 31 March), n2, w1, g1; the rejected wish w2 apart; n3 belongs to April
    assert (march["items_received"], march["items_need"], march["items_wish"], march["items_suggestion"]) == (4, 2, 1, 1)
    assert march["items_dropped"] == 1 and march["items_closed"] == 3 and march["items_open"] == 1
    assert march["response_rate"] == 0.75 and march["closure_rate"] == 0.75  # n2 late; n2 open
    assert march["ratings_received"] == 2 and march["satisfaction_rate"] == 0.5  # 5 stars and 2 stars
    assert march["first_claim_hours_median"] == 24.0 and march["first_claim_hours_mean"] == 38.5  # 6, 12, 36, 100 h
    assert march["close_days_median"] == 3.0 and march["close_days_mean"] == 3.0
    assert march["composite_score"] == pytest.approx(66.25, abs=0.051)
    april = await tis("community:c1", "2026-04")
    assert april["items_received"] == 1 and april["response_rate"] == 0.0 and april["closure_rate"] == 0.0
    street = await tis("street:s1", "2026-03")
    assert street["items_received"] == 5 and street["items_closed"] == 4
    assert (await tis("community:c3", "2026-03"))["items_received"] == 1  # the position is not an item

    kids = (await client.get("/places/s1/children", params={"period": "2026-03"}, headers=official)).json()
    assert {k["place_id"]: k["time_in_state"]["closure_rate"] for k in kids["children"]} == {"c1": 0.75, "c2": 1.0}

    board = (await client.get("/leaderboards/red-black", params={"parent_id": "city", "month": "2026-03"},
                              headers=official)).json()
    assert [r["place_id"] for r in board["ranked"]] == ["c2", "c1", "c3"]
    assert [r["place_id"] for r in board["red"]] == ["c2", "c1"] and [r["place_id"] for r in board["black"]] == ["c3"]
    assert board["ranked"][0]["figures"]["composite_score"] == 100.0 and "三率" in board["composite"]
    district = (await client.get("/leaderboards/red-black", params={"parent_id": "d1", "month": "2026-04"},
                                 headers=auth("district_admin", "d1"))).json()
    assert [r["place_id"] for r in district["ranked"]] == ["c1"] and [r["place_id"] for r in district["unranked"]] == ["c2"]
    assert (await client.get("/leaderboards/red-black", params={"parent_id": "d2"},
                             headers=auth("district_admin", "d1"))).status_code == 403
    assert (await client.get("/leaderboards/red-black", params={"parent_id": "d1", "month": "2026-4"},
                             headers=official)).status_code == 422

    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.stats.v1"),
                               until=lambda rs: any(r.key == b"community:c1" and event_of(r)["data"].get(
                                   "time_in_state", {}).get("2026-03", {}).get("items_received") == 4 for r in rs),
                               timeout=90)
    snap = [event_of(r)["data"] for r in records if r.key == b"community:c1"][-1]
    assert list(snap["time_in_state"]) == ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]

    from openpyxl import load_workbook

    xlsx = await client.get("/reports/stats.xlsx", params={"place_id": "s1", "period": "2026-03"},
                            headers=auth("district_admin", "d1"))
    assert xlsx.status_code == 200, xlsx.text
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = {ws.title: [r for r in ws.iter_rows(values_only=True) if any(c is not None for c in r)]
            for ws in book.worksheets}
    children = next(v for k, v in rows.items() if "下级地点诉求时效" in k)
    assert list(children[1]) == ["地点", "受理诉求（项）", "未办结诉求（项）", "响应率", "办结率", "满意率",
                                 "解决率", "首次认领用时（中位数）（小时）", "办结用时（中位数）（天）", "综合得分（分）"]
    assert list(children[2])[:6] == ["测试c1", "4", "1", "75.0%", "75.0%", "50.0%"]
    red = next(v for k, v in rows.items() if "红榜" in k)
    black = next(v for k, v in rows.items() if "黑榜" in k)
    assert [r[1] for r in red[2:]] == ["测试c2"] and [r[1] for r in black[2:]] == ["测试c1"]
    cells = [str(c) for v in rows.values() for r in v for c in r if c is not None]
    assert any("中位数" in c and "尚未认领的不计入" in c for c in cells)  # the glossary says what it counts
    pdf = await client.get("/reports/stats.pdf", params={"place_id": "s1", "period": "2026-03"},
                           headers=auth("district_admin", "d1"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _item(kind: str, opened: datetime, claim_h: float | None = None, close_d: float | None = None,
          stars: tuple[int, ...] = ()) -> Item:
    item = Item(f"i{opened.timestamp()}{kind}", kind, "c1", opened_at=opened)
    item.responded_at = opened + timedelta(hours=claim_h) if claim_h is not None else None
    item.closes = {"close": opened + timedelta(days=close_d)} if close_d is not None else {}
    item.ratings = {f"r{n}": s for n, s in enumerate(stars)}
    return item


def test_a_long_stuck_item_moves_the_mean_but_not_the_median_and_young_items_are_not_late():
    now = datetime(2026, 3, 31, 0, 0, tzinfo=UTC)
    items = [_item("need", now - timedelta(days=20), claim_h=h, close_d=1) for h in (1, 2, 3)]
    items.append(_item("wish", now - timedelta(days=20), claim_h=400))  # claimed after 400 h, still open
    items.append(_item("need", now - timedelta(hours=5)))  # 5 h old, unclaimed: not late yet
    fig = time_figures.figures(items, now)
    assert fig["first_claim_hours_median"] == 2.5 and fig["first_claim_hours_mean"] == 101.5
    assert fig["items_response_due"] == 4 and fig["response_rate"] == 0.75
    assert fig["satisfaction_rate"] is None and fig["composite_score"] == pytest.approx(100 * (0.3 * 0.75 + 0.35 * 0.6) / 0.65, abs=0.05)


def test_the_board_never_lists_a_place_both_red_and_black_and_breaks_ties_by_closure():
    def row(pid: str, response: float, closure: float) -> dict:
        return {"place_id": pid, "name": pid, "figures": {"items_received": 1, "response_rate": response,
                                                          "closure_rate": closure, "composite_score": None}}
    rows = [row("a", 1.0, 0.0), row("b", 0.0, 1.0 * 0.3 / 0.35), row("c", 0.5, 0.5)]
    for r in rows:
        r["figures"]["composite_score"] = time_figures.composite(r["figures"])
    board = time_figures.ranking(rows + [{"place_id": "z", "name": "z", "figures": {"items_received": 0}}], size=3)
    assert [r["place_id"] for r in board["ranked"]] == ["c", "b", "a"]  # b and a tie on the composite
    assert [r["place_id"] for r in board["red"]] == ["c", "b"] and [r["place_id"] for r in board["black"]] == ["a"]
    assert [r["place_id"] for r in board["unranked"]] == ["z"]


def test_a_not_answer_reopens_the_item_whichever_topic_is_read_first():
    """解决了吗 (issue 14.4): wish.answered (claims.wishes.v1) and demand.closed (claims.demands.v1)
    may be read in either order; the item ends the same: reopened by "not", closed again later."""
    from gongjian_evaluation.domain import time_in_state
    from gongjian_evaluation.domain.project import Effects
    from gongjian_evaluation.domain.state import State

    opened = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

    def ev(type_: str, n: int, hours: float, **data) -> tuple[dict, datetime]:
        return {"id": f"e{n}", "type": type_, "subject": "w9", "data": {"wish_id": "w9", "community_id": "c1",
                                                                         **data}}, opened + timedelta(hours=hours)

    events = [ev("wish.posted", 1, 0), ev("demand.claimed", 2, 5, kind="wish"),
              ev("demand.closed", 3, 24, kind="wish", outcome="completed"),
              ev("wish.answered", 4, 30, answer="not", reopened=True),
              ev("demand.closed", 5, 72, kind="wish", outcome="completed"),
              ev("wish.answered", 6, 80, answer="resolved", reopened=False)]
    ends = []
    for order in (events, [events[i] for i in (0, 3, 5, 1, 4, 2)], events[:4]):
        state = State()
        for e, at in order:
            time_in_state.track(state, e, e["data"], at, "c1", Effects())
        ends.append(time_figures.figures(list(state.items.values()), opened + timedelta(days=10)))
    done, shuffled, reopened = ends
    assert done == shuffled
    assert done["items_closed"] == 1 and done["close_days_mean"] == 3.0  # to the last closing
    assert done["answers_received"] == 2 and done["resolved_rate"] == 0.5 and done["satisfaction_rate"] == 0.5
    assert reopened["items_closed"] == 0 and reopened["items_open"] == 1 and reopened["satisfaction_rate"] == 0.0
