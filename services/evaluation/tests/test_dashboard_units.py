"""The dashboard's pure parts: stream ids, filters, the place tree, activity and health."""

from __future__ import annotations

from datetime import date

import pytest

from gongjian_evaluation.dashboard import positions as pos
from gongjian_evaluation.dashboard.activity import Activity, day_of
from gongjian_evaluation.dashboard.figures import combine, health, reporting_rate, snapshot_for
from gongjian_evaluation.dashboard.filters import BadFilter, location, parse_types, scope_of, topics_for, type_matches
from gongjian_evaluation.dashboard.places import PlaceIndex

PATHS = {"c": ["c"], "d1": ["c", "d1"], "d2": ["c", "d2"], "s1": ["c", "d1", "s1"], "a": ["c", "d1", "s1", "a"],
         "b": ["c", "d2", "s2", "b"], "s2": ["c", "d2", "s2"]}


def path_of(place: str) -> list[str] | None:
    return PATHS.get(place)


def ev(type_: str, *, communityid=None, districtid=None, subject="x-1", **data):
    return {"type": f"gongjian.{type_}", "subject": subject, "communityid": communityid, "districtid": districtid,
            "time": "2026-11-22T20:30:00Z", "data": data}


def test_event_ids_round_trip_and_leave_out_partitions_at_zero():
    where = {("claims.demands.v1", 0): 12, ("claims.demands.v1", 1): 0, ("evaluation.alerts.v1", 2): 7}
    encoded = pos.encode(where)
    assert encoded == "g1.3:0:12_8:2:7"
    assert pos.decode(encoded) == {("claims.demands.v1", 0): 12, ("evaluation.alerts.v1", 2): 7}
    assert pos.decode("g1.") == {}


@pytest.mark.parametrize("bad", ["", "x", "g2.1:0:1", "g1.1:0", "g1.99:0:1", "g1.1:-1:3", "g1.a:b:c"])
def test_malformed_event_ids_are_refused(bad):
    with pytest.raises(pos.BadEventId):
        pos.decode(bad)


def test_type_patterns_choose_types_and_the_topics_to_read():
    patterns = parse_types("demand.*, gongjian.points.awarded")
    assert type_matches(patterns, "demand.claimed") and type_matches(patterns, "points.awarded")
    assert not type_matches(patterns, "points.revoked") and not type_matches(patterns, "wish.posted")
    assert topics_for(patterns) == ["claims.demands.v1", "evaluation.ledger.v1"]
    assert len(topics_for(())) == len(pos.PUBLIC_TOPICS) and not any(t.endswith(".dlq") for t in topics_for(()))
    for bad in ("nonsense", "demandx.*", "place.deleted"):
        with pytest.raises(BadFilter):
            parse_types(bad)


def test_events_belong_where_their_community_or_district_lies():
    assert location(ev("demand.claimed", communityid="a", districtid="d1"), path_of) == PATHS["a"]
    assert location(ev("unit.registered", districtid="d2"), path_of) == PATHS["d2"]
    assert location(ev("stats.snapshot", subject="street:s1", districtid="d1"), path_of) == PATHS["s1"]
    assert location(ev("place.created", subject="s2", districtid="d2"), path_of) == PATHS["s2"]
    assert location(ev("points.awarded"), path_of) == []
    # A community the tree does not know yet: the envelope's ids still place it.
    assert location(ev("demand.published", communityid="new", districtid="d1"), path_of) == ["c", "d1", "new"]


def test_scopes_match_their_own_places_only():
    street, district2, city = scope_of(["s1"], path_of), scope_of(["d2"], path_of), scope_of(["c"], path_of)
    in_a, in_b = ev("demand.claimed", communityid="a", districtid="d1"), ev("demand.claimed", communityid="b")
    citywide = ev("points.awarded")
    assert street.matches(in_a, path_of) and not street.matches(in_b, path_of)
    assert district2.matches(in_b, path_of) and not district2.matches(in_a, path_of)
    assert city.matches(in_a, path_of) and city.matches(in_b, path_of) and city.matches(citywide, path_of)
    assert not street.matches(citywide, path_of) and not district2.matches(citywide, path_of)


def place(pid, kind, name, path):
    return {"type": "gongjian.place.created", "subject": pid,
            "data": {"place_id": pid, "kind": kind, "name": name, "path": path}}


def test_place_tree_builds_in_any_order_and_ignores_replays():
    index = PlaceIndex()
    events = [place("a", "community", "滨湖世纪社区", PATHS["a"]), place("s1", "street", "世纪街道", PATHS["s1"]),
              place("c", "city", "同江市", PATHS["c"]), place("d1", "district", "姑苏区", PATHS["d1"])]
    assert all(index.apply(e) for e in events)
    assert not index.apply(events[0])  # the same event again changes nothing
    assert index.tree("c") == {"id": "c", "name": "同江市", "kind": "city", "children": [
        {"id": "d1", "name": "姑苏区", "kind": "district", "children": [
            {"id": "s1", "name": "世纪街道", "kind": "street", "children": [
                {"id": "a", "name": "滨湖世纪社区", "kind": "community"}]}]}]}
    assert [p.id for p in index.descendants("c", "community")] == ["a"]
    assert index.names(PATHS["a"]) == ["同江市", "姑苏区", "世纪街道", "滨湖世纪社区"]
    assert [p.id for p in index.roots()] == ["c"]
    index.apply({**place("a", "community", "滨湖新社区", PATHS["a"]), "type": "gongjian.place.updated"})
    assert index.get("a").name == "滨湖新社区"


def test_activity_counts_by_community_day_and_status():
    act = Activity(days=7)
    life = [ev("demand.published", communityid="a", subject="d-1", category="志愿服务", title="送餐"),
            ev("demand.claimed", communityid="a", subject="d-1", category="志愿服务"),
            ev("demand.verified", communityid="a", subject="d-1", category="志愿服务", hours=2.5, approved=True),
            ev("demand.verified", communityid="a", subject="d-1", category="志愿服务", hours=9, approved=False),
            ev("demand.rated", communityid="a", subject="d-1", category="志愿服务", score=4),
            ev("demand.overdue", communityid="b", subject="d-2", category="困难帮扶", title="修水管"),
            ev("points.awarded", communityid="a")]
    counted = [act.apply(e) for e in life]
    assert counted[-1] is None
    today = date(2026, 11, 23)  # 20:30Z on the 22nd is the 23rd in China
    assert day_of("2026-11-22T20:30:00Z") == today
    mine = act.summary({"a"}, today, {"a": "滨湖世纪社区"})
    assert mine["by_day"]["demand.published"][-1] == 1 and mine["hours_by_day"][-1] == 2.5
    assert mine["categories"] == {"志愿服务": {"verified": 1}}  # a sent-back verification is no status change
    assert mine["ratings"]["4"] == 1 and mine["rating_average"] == 4
    assert mine["overdue_count"] == 0
    assert mine["leaders"]["hours"] == [{"id": "a", "name": "滨湖世纪社区", "value": 2.5}]
    everyone = act.summary(None, today, {})
    assert everyone["overdue"][0]["title"] == "修水管" and everyone["overdue_count"] == 1
    act.prune(date(2026, 12, 31))
    assert act.summary(None, date(2026, 12, 31), {})["by_day"]["demand.published"] == [0] * 7


def test_health_from_reporting_rate_and_overdue_items():
    assert health(None)["level"] == "unknown"
    assert health({"members_reported": 9, "members_registered": 10, "demands_overdue": 0})["level"] == "good"
    assert health({"members_reported": 7, "members_registered": 10})["level"] == "fair"
    assert health({"reporting_rate": 95, "demands_overdue": 1})["level"] == "fair"
    assert health({"reporting_rate": 0.4})["level"] == "poor"
    assert health({"reporting_rate": 0.9, "demands_overdue": 3})["level"] == "poor"
    assert reporting_rate({"reporting_rate": 85}) == 0.85
    snapshots = {"city": {"x": 1}, "district:d1": {"x": 2}}
    assert snapshot_for(snapshots, "c", "city") == {"x": 1} and snapshot_for(snapshots, "d1", "district") == {"x": 2}
    assert snapshot_for(snapshots, "a", "community") is None


def test_a_place_without_its_own_snapshot_sums_its_children():
    street = combine([{"members_reported": 8, "members_registered": 10, "reporting_rate": 0.8, "as_of": "x"},
                      None, {"members_reported": 1, "members_registered": 10, "rating_average": 4.5}])
    assert street == {"derived": True, "members_reported": 9, "members_registered": 20}
    assert reporting_rate(street) == 0.45 and health(street)["level"] == "poor"
    assert combine([None, None]) is None
