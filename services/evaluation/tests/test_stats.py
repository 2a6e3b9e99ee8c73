"""Statistics per place kept current from the events, rolled up the tree, snapshots, leaderboards, reports."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from gongjian_evaluation.testing import T0, settle
from gongjian_shared.testing import auth, event_of, read_topic


async def _activity(feed, city):
    await feed.send("registry.places.v1", city.places())
    await feed.send("registry.members.v1", [
        city.member("m1", "c1", unit="u1"), city.reported("m1", "c1", "home"), city.reported("m1", "c2", "work"),
        city.member("m2", "c1"), city.reported("m2", "c1"), city.member("m3", "c2"),
        city.member("m4", "c3"), city.reported("m4", "c3"),
    ])
    await feed.send("registry.units.v1", [city.unit("u1", "c1")])
    claims = [
        city.demand("demand.published", "dA", "c1", capacity=2, title="法律咨询", item="法律咨询"),
        city.demand("demand.claimed", "dA", "c1", claim_id="k1", claimant_id="m1", claimant_kind="member"),
        city.demand("demand.fulfilled", "dA", "c1", claim_id="k1", claimant_id="m1", hours=3),
        city.verified("dA", "m1", "c1", 3),
        city.demand("demand.rated", "dA", "c1", score=5, claimants=[{"claim_id": "k1", "claimant_id": "m1",
                                                                      "claimant_kind": "member"}]),
        city.demand("demand.published", "dB", "c3", capacity=1, title="巡逻", item="巡逻"),
        city.demand("demand.overdue", "dB", "c3", due_at="2026-03-01T00:00:00Z"),
        city.verified("dC", "m4", "c3", 1.5, at=T0 + timedelta(days=40)),
        city.demand("demand.closed", "wish-1", "c2", kind="wish", wish_id="wish-1", outcome="completed",
                    verified_claims=1, participants=1, total_hours=1, beneficiaries=1),
    ]
    await feed.send("claims.demands.v1", claims)
    await feed.send("claims.suggestions.v1", [
        city.demand("suggestion.received", "s-1", "c1", suggestion_id="s-1"),
        city.demand("suggestion.resolved", "s-1", "c1", suggestion_id="s-1", outcome="resolved"),
    ])
    return len(city.PATHS) + 8 + 1 + len(claims) + 2


async def test_stats_roll_up_the_place_tree_and_are_published_as_snapshots(ns, service, feed, city):
    client, ev = service
    await settle(ev, await _activity(feed, city))
    official = auth("city_admin")
    c1 = (await client.get("/stats/community:c1", headers=official)).json()
    assert c1["counters"]["members_registered"] == 2 and c1["counters"]["members_reported"] == 2
    assert c1["counters"]["hours_served"] == 3 and c1["counters"]["participants"] == 1
    assert c1["counters"]["beneficiaries"] == 2 and c1["derived"]["average_rating"] == 5.0
    assert c1["derived"]["reporting_rate"] == 1.0 and c1["counters"]["suggestions_resolved"] == 1
    assert c1["counters"]["points_awarded"] == 35  # 30 for 3 hours + 5 for a five-star rating
    d1 = (await client.get("/stats/district:d1", headers=auth("district_admin", "d1"))).json()
    assert d1["counters"]["members_registered"] == 3 and d1["counters"]["members_reported"] == 3  # m1 in c1 and c2
    assert d1["derived"]["reporting_rate"] == round(2 / 3, 4) and d1["counters"]["wishes_fulfilled"] == 1
    street = (await client.get("/stats/street:s1", headers=official)).json()
    assert street["counters"] == d1["counters"]
    whole = (await client.get("/stats/city", headers=official)).json()
    assert whole["counters"]["members_registered"] == 4 and whole["counters"]["hours_served"] == 4.5
    assert whole["counters"]["demands_overdue"] == 1 and whole["counters"]["units_registered"] == 1
    march = (await client.get("/stats/city", params={"period": "2026-03"}, headers=official)).json()
    assert march["counters"]["hours_served"] == 3
    year = (await client.get("/places/city/stats", params={"period": "2026"}, headers=official)).json()
    assert year["counters"]["hours_served"] == 4.5
    assert (await client.get("/stats/city", params={"period": "march"}, headers=official)).status_code == 422
    assert (await client.get("/stats/town:x", headers=official)).status_code == 422
    kids = (await client.get("/places/city/children", headers=official)).json()["children"]
    assert [(k["place_id"], k["counters"]["members_registered"]) for k in kids] == [("d1", 3), ("d2", 1)]
    assert {k["health"] for k in kids} <= {"good", "warning", "bad", "unknown"}
    assert next(k for k in kids if k["place_id"] == "d2")["health"] == "bad"  # one demand, overdue
    board = (await client.get("/leaderboards/points", params={"place_id": "d1"}, headers=official)).json()["rows"]
    assert [(r["rank"], r["holder_id"], r["points"]) for r in board] == [(1, "m1", 35)]
    places = (await client.get("/leaderboards/places", params={"parent_id": "city", "metric": "hours_served"},
                               headers=official)).json()["rows"]
    assert [r["place_id"] for r in places] == ["d1", "d2"]
    def latest(records) -> dict:
        return {r.key.decode(): event_of(r) for r in records}  # per key, the last one read wins

    def c1_caught_up(records) -> bool:
        # Snapshots go out every 0.2 s while the activity is applied: an early one of c1 may say
        # 0 reported; the one after the last change must say 2.
        snaps = latest(records)
        return {"city", "district:d1", "street:s1", "community:c3"} <= set(snaps) and \
            snaps.get("community:c1", {}).get("data", {}).get("members_reported") == 2

    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.stats.v1"),
                               until=c1_caught_up, timeout=90)
    snap = latest(records)["community:c1"]
    assert snap["type"] == "gongjian.stats.snapshot" and snap["subject"] == "community:c1"
    assert snap["data"]["members_reported"] == 2 and snap["data"]["reporting_rate"] == 1.0 and snap["data"]["as_of"]


async def test_reports_download_as_excel_and_pdf(ns, service, feed, city):
    client, ev = service
    await settle(ev, await _activity(feed, city))
    official = auth("district_admin", "d1")
    for path, params in (("/reports/stats", {"place_id": "d1", "period": "2026"}),
                         ("/reports/year-end", {"place_id": "d1", "year": 2026})):
        xlsx = await client.get(f"{path}.xlsx", params=params, headers=official)
        assert xlsx.status_code == 200, xlsx.text
        assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
        with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
            shared = book.read("xl/sharedStrings.xml").decode()
        assert "共驻共建" in shared
        pdf = await client.get(f"{path}.pdf", params=params, headers=official)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"/FontFile2" in pdf.content
    year_end = (await client.get("/year-end", params={"place_id": "d1", "year": 2026}, headers=official)).json()
    assert year_end["members"][0]["holder_id"] == "m1" and year_end["members"][0]["score"] > 0
    assert (await client.get("/reports/stats.doc", params={"place_id": "d1"}, headers=official)).status_code == 404
    published = await client.post("/commendations", json={"place_id": "d1", "year": 2026, "top": 1}, headers=official)
    assert published.status_code == 201 and [m["holder_id"] for m in published.json()["members"]] == ["m1"]
    lists = (await client.get("/commendations", params={"place_id": "d1"}, headers=auth("member", sub="m2"))).json()
    assert lists["lists"][0]["members"][0]["holder_id"] == "m1"


async def test_reports_speak_chinese_name_places_and_reach_community_staff(ns, service, feed, city, tmp_path):
    """Issue 13: Chinese health labels, rates as percentages, names not ids, an embedded CJK font,
    a glossary, and community staff get their own community's report (403 for another)."""
    import shutil
    import subprocess
    from pathlib import Path

    from openpyxl import load_workbook

    client, ev = service
    await settle(ev, await _activity(feed, city))
    staff = auth("community_admin", "c1")
    own = await client.get("/reports/stats.xlsx", params={"place_id": "c1"}, headers=staff)
    assert own.status_code == 200, own.text
    assert (await client.get("/reports/stats.xlsx", params={"place_id": "c3"}, headers=staff)).status_code == 403
    assert (await client.get("/reports/stats.pdf", params={"place_id": "d1"}, headers=staff)).status_code == 403
    assert (await client.get("/reports/stats.pdf", params={"place_id": "c1"},
                             headers=auth("member", sub="m1"))).status_code == 403

    official = auth("district_admin", "d1")
    book = load_workbook(io.BytesIO((await client.get(
        "/reports/stats.xlsx", params={"place_id": "d1", "period": "2026"}, headers=official)).content))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "报到率" in cells and "66.7%" in cells  # 2 of 3 members of d1 reported
    assert "0.6667" not in cells and not {"good", "warning", "bad", "unknown"} & set(cells)
    assert "测试s1" in cells and "s1" not in cells  # place names, not ids
    assert "认领人次（人次）" in cells and "发布需求（项）" in cells
    assert any("一项需求可被认领多次" in c for c in cells)  # the glossary sheet

    year_end = load_workbook(io.BytesIO((await client.get(
        "/reports/year-end.xlsx", params={"place_id": "d1", "year": 2026}, headers=official)).content))
    rows = [r for ws in year_end.worksheets for r in ws.iter_rows(values_only=True)]
    assert any(r[2] == "测试c1" for r in rows if r and len(r) > 2)
    members = [r for r in year_end.worksheets[0].iter_rows(min_row=4, values_only=True) if r and r[1]]
    assert members and all(isinstance(r[3], int | float) for r in members)  # 年度积分 a number, not text
    ranked = (await client.get("/year-end", params={"place_id": "d1", "year": 2026}, headers=official)).json()
    for before, row in zip(ranked["members"], ranked["members"][1:]):  # competition ranking: 1, 1, 3
        assert row["rank"] == (before["rank"] if row["score"] == before["score"]
                               else ranked["members"].index(row) + 1)

    pdf = await client.get("/reports/stats.pdf", params={"place_id": "d1", "period": "2026"}, headers=official)
    assert b"/FontFile2" in pdf.content  # the CJK font is embedded (a TrueType subset), not referenced
    out = Path("artifacts") / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / "stats-d1.pdf").write_bytes(pdf.content)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(out / "stats-d1.pdf"), str(out / "stats-d1")], check=True)
        assert list(out.glob("stats-d1*.png"))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / "stats-d1.pdf"), "-"], capture_output=True, text=True).stdout
        assert "报到率" in text and "66.7%" in text and "·" not in text.replace("·", "·")

    glossary = (await client.get("/glossary", headers=official)).json()["figures"]
    assert {g["key"] for g in glossary} >= {"demands_published", "demands_claimed", "demands_fulfilled"}
    assert next(g for g in glossary if g["key"] == "demands_fulfilled")["unit"] == "人次"


async def test_changing_year_end_weights_leaves_past_years_as_published(ns, service, feed, city, clock):
    """Issue 13: weights and star criteria are versioned with effective dates; 2025 is judged by
    the version in force on 31 Dec 2025 even after a change made in 2026."""
    from datetime import UTC, datetime

    client, ev = service
    last_year = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
    await feed.send("registry.places.v1", city.places())
    await feed.send("registry.members.v1", [city.member("m1", "c1", at=last_year), city.reported("m1", "c1", at=last_year),
                                            city.member("m2", "c1", at=last_year)])
    await feed.send("registry.units.v1", [city.unit("u1", "c1")])
    await feed.send("claims.demands.v1", [city.verified("dA", "m1", "c1", 3, at=last_year),
                                          city.verified("dB", "u1", "c1", 4, at=last_year, kind="unit"),
                                          city.verified("dC", "m1", "c1", 2, at=T0)])
    await settle(ev, len(city.PATHS) + 3 + 1 + 3)
    official = auth("city_admin")
    before = (await client.get("/year-end", params={"place_id": "c1", "year": 2025}, headers=official)).json()
    scores_2025 = {r["holder_id"]: r["score"] for r in before["members"] + before["units"]}
    this_year = (await client.get("/year-end", params={"place_id": "c1", "year": 2026}, headers=official)).json()

    change = {"year_end": {"member": {"weights": {"points": 1.0, "activity": 0, "rating": 0, "assessment": 0},
                                      "points_target": 200},
                           "unit": {"weights": {"points": 1.0, "review": 0, "reports": 0}, "points_target": 500}}}
    r = await client.put("/config", json=change, headers=official)
    assert r.status_code == 200, r.text
    assert r.json()["year_end"]["member"]["weights"]["points"] == 1.0  # in force from today (2026-03-02, local)
    assert r.json()["versions"]["year_end"][-1]["effective_from"] == "2026-03-02"

    after = (await client.get("/year-end", params={"place_id": "c1", "year": 2025}, headers=official)).json()
    assert {r["holder_id"]: r["score"] for r in after["members"] + after["units"]} == scores_2025
    assert after["weights"] == before["weights"]
    now_2026 = (await client.get("/year-end", params={"place_id": "c1", "year": 2026}, headers=official)).json()
    assert now_2026["weights"]["member"]["weights"]["points"] == 1.0
    assert now_2026["weights"] != this_year["weights"]

    bad = {"year_end": {"member": {"weights": {"points": -5, "activity": 3, "rating": 2, "assessment": 1}}}}
    assert (await client.put("/config", json=bad, headers=official)).json()["code"] == "bad-weights"
    unknown = {"year_end": {"member": {"weights": {"bogus": 1.0}}}}
    refused = await client.put("/config", json=unknown, headers=official)
    assert refused.status_code == 422 and "年度积分" in refused.json()["detail"]

    # Dating a version back is possible, but only as an explicit decision.
    r = await client.put("/config", json={**change, "effective_from": "2025-01-01"}, headers=official)
    assert r.status_code == 200
    redone = (await client.get("/year-end", params={"place_id": "c1", "year": 2025}, headers=official)).json()
    assert redone["weights"]["member"]["weights"]["points"] == 1.0


async def test_two_cities_are_kept_apart(ns, service, feed, city):
    """Issue 13: a second city (the demo once made another 同江市) never adds into the first one's figures."""
    from gongjian_evaluation.testing import event

    client, ev = service
    count = await _activity(feed, city)
    other = [event("place.created", "city2", {"place_id": "city2", "kind": "city", "name": "另一城", "parent_id": None,
                                              "path": ["city2"]}),
             event("place.created", "dx", {"place_id": "dx", "kind": "district", "name": "另一区", "parent_id": "city2",
                                           "path": ["city2", "dx"]}, district="dx"),
             event("member.registered", "mx", {"member_id": "mx", "name_masked": "王*", "kind": "in_service",
                                               "home_community_id": "dx"}, district="dx")]
    await feed.send("registry.places.v1", other[:2])
    await feed.send("registry.members.v1", other[2:])
    await settle(ev, count + 3)
    official = auth("city_admin")
    first = (await client.get("/places/city/stats", headers=official)).json()
    assert first["counters"]["members_registered"] == 4 and first["scope"] == "city:city"
    second = (await client.get("/stats/city:city2", headers=official)).json()
    assert second["counters"]["members_registered"] == 1
    ambiguous = await client.get("/stats/city", headers=official)
    assert ambiguous.status_code == 422 and ambiguous.json()["code"] == "ambiguous-city"
    def city2_snapshots(records: list) -> list[int]:
        return [event_of(r)["data"]["members_registered"] for r in records if r.key.decode() == "city:city2"]

    # A snapshot may be published before the member event is folded in; wait for the one that has it.
    records = await read_topic(ns.infra.kafka_bootstrap, ns.topic("evaluation.stats.v1"),
                               until=lambda rs: 1 in city2_snapshots(rs), timeout=60)
    assert city2_snapshots(records)[-1] == 1
