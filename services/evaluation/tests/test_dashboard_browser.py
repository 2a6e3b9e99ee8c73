"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright.

registry and evaluation run in their own processes on real Kafka and FerretDB. Places and
members go through registry's HTTP API; the demand activity is published as claims would
publish it (contract-shaped events on the namespaced topic). The test opens the page as a
district official, checks the figures against the API, plays activity and watches the
page update by itself, without a reload, then saves artifacts/dashboard.png.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import async_playwright

from gongjian_shared.envelope import new_event, rfc3339
from gongjian_shared.localtime import add_days, day_start, today
from gongjian_shared.producer import EventProducer
from gongjian_shared.testing import ServiceProcess, auth, dev_token, eventually, start_together
from gongjian_shared.topics import CLAIMS_DEMANDS, EVALUATION_ALERTS, EVALUATION_STATS

pytestmark = pytest.mark.timeout(240)
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COMMUNITIES = {"hb": "滨湖世纪社区", "px": "盘溪新村第一社区", "gx": "滚绣坊社区", "sq": "十全街社区"}
STREETS = {"hb": "st-1", "px": "st-1", "gx": "st-2", "sq": "st-2"}
CATEGORIES = ("志愿服务", "困难帮扶", "文体服务", "建议意见", "资金扶持")
TITLES = ("周末法律咨询进社区", "独居老人上门探访", "楼道环境整治", "青少年暑期课堂", "义诊进社区", "助老送餐")


@pytest.fixture(scope="module")
def services(module_ns):
    """registry and evaluation, started once for this module's tests (each builds its own tagged city)."""
    env = module_ns.env(GONGJIAN_LOG_LEVEL="WARNING")
    procs = [ServiceProcess(name, env) for name in ("registry", "evaluation")]
    try:
        start_together(procs)
        yield {p.service: p.url for p in procs}
    finally:
        for proc in procs:
            proc.stop()


async def build_city(http: httpx.AsyncClient, reg: str, tag: str) -> dict[str, str]:
    admin = auth("city_admin")
    ids = {"city": f"city-{tag}", "district": f"district-{tag}", "st-1": f"street-{tag}-1", "st-2": f"street-{tag}-2"}
    tree = [("city", "city", "同江市", None), ("district", "district", "姑苏区", "city"),
            ("st-1", "street", "双塔街道", "district"), ("st-2", "street", "平江街道", "district")]
    tree += [(key, "community", name, STREETS[key]) for key, name in COMMUNITIES.items()]
    for key, kind, name, parent in tree:
        ids.setdefault(key, f"community-{tag}-{key}")
        r = await http.post(f"{reg}/places", headers=admin, json={"id": ids[key], "kind": kind, "name": name,
                                                                  "parent_id": ids[parent] if parent else None})
        assert r.status_code == 201, r.text
    return ids


async def members_report(http: httpx.AsyncClient, reg: str, community: str, count: int) -> None:
    staff = auth("community_admin", community)
    for n in range(count):
        r = await http.post(f"{reg}/members", headers=staff, json={"name": f"张{n}珠", "home_community_id": community})
        assert r.status_code == 201, r.text
        member = r.json()["id"]
        r = await http.post(f"{reg}/members/{member}/reports", json={"community_id": community, "kind": "home"},
                            headers=auth("member", sub=member))
        assert r.status_code == 201, r.text


def demand_events(ids: dict[str, str], key: str, n: int, days_ago: int, *, steps: int) -> list[Any]:
    """The life of one demand as claims publishes it: published → claimed → fulfilled → verified → rated."""
    community, demand_id = ids[key], f"demand-{uuid.uuid4().hex[:10]}"
    # Never before the local day ``days_ago`` began: the dashboard's 7 days are local days, and just
    # after local midnight "6 days and 4 hours ago" is already 7 local days back.
    when = max(datetime.now(UTC) - timedelta(days=days_ago, hours=n % 5), day_start(add_days(today(), -days_ago)))
    base = {"demand_id": demand_id, "community_id": community, "category": CATEGORIES[n % len(CATEGORIES)],
            "kind": "need"}
    claim = {"claim_id": f"claim-{demand_id}", "claimant_id": f"member-{n}", "claimant_kind": "member"}
    life = [("demand.published", {"title": TITLES[n % len(TITLES)], "capacity": 2}),
            ("demand.claimed", claim), ("demand.fulfilled", {**claim, "hours": 2 + n % 3}),
            ("demand.verified", {**claim, "hours": 2 + n % 3, "approved": True}),
            ("demand.rated", {"score": 5 - n % 3})]
    if steps < 0:
        life = [life[0], ("demand.overdue", {})]
    events = []
    for i, (type_, data) in enumerate(life[:abs(steps)]):
        ev = new_event(source="gongjian/claims", type=type_, subject=demand_id, data={**base, **data},
                       districtid=ids["district"], communityid=community)
        ev.time = rfc3339(when + timedelta(hours=i))
        events.append(ev)
    return events


def history(ids: dict[str, str]) -> list[Any]:
    """A week of activity in the four communities, some of it overdue."""
    events = []
    for n in range(22):
        key = list(COMMUNITIES)[n % 4]
        events += demand_events(ids, key, n, days_ago=n % 7, steps=-2 if n % 9 == 4 else 1 + n % 5)
    return events


# Registered / reported members and overdue items per community, as evaluation's stats say.
STATS = {"hb": (3, 3, 1), "px": (4, 2, 0), "gx": (5, 1, 2), "sq": (1, 1, 0)}


def snapshot(scope: str, registered: int, reported: int, overdue: int, *, district: str,
             community: str | None) -> Any:
    """A stats.snapshot as evaluation publishes it on the compacted evaluation.stats.v1 (key = scope).

    They stand in for evaluation's own statistics, which land with the evaluation issue; its
    snapshots for the same scopes simply replace these (the topic is compacted by scope).
    """
    data = {"scope": scope, "as_of": rfc3339(datetime.now(UTC)), "members_registered": registered,
            "members_reported": reported, "reporting_rate": round(reported / registered, 4),
            "demands_overdue": overdue, "hours_served": 4.0 * reported, "participants": 2 * reported}
    return new_event(source="gongjian/evaluation", type="stats.snapshot", subject=scope, data=data,
                     districtid=district, communityid=community)


def snapshots(ids: dict[str, str]) -> list[Any]:
    out = [snapshot(f"community:{ids[k]}", *STATS[k], district=ids["district"], community=ids[k]) for k in STATS]
    totals = [sum(v[i] for v in STATS.values()) for i in range(3)]
    return [*out, snapshot(f"district:{ids['district']}", *totals, district=ids["district"], community=None)]


async def text(page: Any, selector: str) -> str:
    return (await page.locator(selector).inner_text()).strip()


async def test_dashboard_shows_the_figures_and_updates_live_without_reload(module_ns, services):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash deploy/local/scripts/browser.sh` (Debian's chromium)")
    reg, ev = services["registry"], services["evaluation"]
    tag = uuid.uuid4().hex[:6]
    producer = EventProducer(module_ns.infra.kafka_bootstrap, client_id="dashboard-browser-test")
    await producer.start()
    async with httpx.AsyncClient(timeout=30) as http:
        ids = await build_city(http, reg, tag)
        for key, count in (("hb", 3), ("px", 2), ("gx", 1)):
            await members_report(http, reg, ids[key], count)
        await producer.publish(module_ns.topic(CLAIMS_DEMANDS), history(ids))
        await producer.publish(module_ns.topic(EVALUATION_STATS), snapshots(ids))
        official = auth("district_admin", ids["district"])

        async def overview(place: str = ids["district"]) -> dict[str, Any]:
            r = await http.get(f"{ev}/dashboard/api/overview", params={"place": place}, headers=official)
            assert r.status_code == 200, r.text
            return r.json()

        await eventually(lambda: _has_history(overview), timeout=30)

        ARTIFACTS.mkdir(exist_ok=True)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="gj-chromium-"), executable_path=CHROMIUM, headless=True,
                args=CHROMIUM_ARGS, viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            try:
                page = await browser.new_page()
                remote: list[str] = []
                page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(ev) else None)
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                token = dev_token("district_admin", ids["district"])
                await page.goto(f"{ev}/dashboard?token={token}#place={ids['district']}")
                await page.wait_for_function("document.getElementById('live-state').textContent === '实时'")
                await page.wait_for_selector('[data-key="activity_published"]')
                assert "token=" not in page.url  # the token left the address bar for sessionStorage

                # The figures shown are the API's.
                ov = await overview()
                published = sum(ov["activity"]["by_day"]["demand.published"])
                await _figure_is(page, "activity_published", published)
                assert await text(page, "#overdue-count") == str(ov["activity"]["overdue_count"])
                assert ov["activity"]["overdue_count"] > 0
                assert await text(page, "#breadcrumb") == "同江市 › 姑苏区"
                first_leader = ov["activity"]["leaders"]["hours"][0]["name"]
                assert (await text(page, "#leaderboard li:first-child")).startswith(first_leader)
                await eventually(lambda: _stats_match(page, overview), timeout=15)

                # Activity arrives; the page follows by itself, without a reload.
                loaded_at = await page.evaluate("window.__gjLoadedAt")
                await page.evaluate("window.__gjMarker = 'still-the-same-page'")
                live_before = int(await text(page, "#live-count"))
                fresh = demand_events(ids, "gx", 7, days_ago=0, steps=4)
                fresh[0].data["title"] = "新增：为独居老人代购药品"
                for event in fresh:
                    event.time = rfc3339(datetime.now(UTC))  # happening now
                started = time.monotonic()
                await producer.publish(module_ns.topic(CLAIMS_DEMANDS), fresh)
                await page.wait_for_function(
                    "document.querySelector('#feed').textContent.includes('为独居老人代购药品')", timeout=10_000)
                feed_seconds = time.monotonic() - started
                await _figure_is(page, "activity_published", published + 1, timeout=10_000)
                figure_seconds = time.monotonic() - started
                await page.wait_for_function(f"Number(document.getElementById('live-count').textContent) >= "
                                             f"{live_before + len(fresh)}")
                await members_report(http, reg, ids["sq"], 1)  # through registry's HTTP API
                await page.wait_for_function("document.querySelector('#feed').textContent.includes('报到')")
                alert = new_event(source="gongjian/evaluation", type="alert.raised", subject="member-quiet",
                                  data={"kind": "member_inactive", "holder_id": "member-quiet", "months": 6},
                                  districtid=ids["district"], communityid=ids["px"])
                await producer.publish(module_ns.topic(EVALUATION_ALERTS), [alert])
                await page.wait_for_function("document.querySelector('#alerts').textContent.includes('连续6个月')")
                assert await page.evaluate("window.__gjLoadedAt") == loaded_at
                assert await page.evaluate("window.__gjMarker") == "still-the-same-page"
                print(f"\nlive update: feed after {feed_seconds:.2f}s, figures after {figure_seconds:.2f}s")
                assert feed_seconds < 3.0  # "within a second" on a quiet machine; margin for a loaded CI box

                # Issue 14.8: the month's time-in-state figures and 红黑榜, as the statistics API says.
                await eventually(lambda: _timeliness_ready(overview), timeout=60)
                tis = (await overview())["timeliness"]
                board = (await http.get(f"{ev}/leaderboards/red-black", headers=official, params={
                    "parent_id": ids["district"], "month": tis["month"]})).json()
                api = (await http.get(f"{ev}/stats/district:{ids['district']}", headers=official,
                                      params={"period": tis["month"]})).json()["time_in_state"]
                await _tile_is(page, "items_received", str(api["items_received"]))
                rate = api["closure_rate"]
                await _tile_is(page, "closure_rate", "—" if rate is None else f"{rate * 100:.1f}")
                hours = api["first_claim_hours_median"]
                await _tile_is(page, "first_claim_hours_median", "—" if hours is None else f"{hours:g}")
                await page.wait_for_function(f"document.querySelector('#red-list li').textContent.startsWith("
                                             f"'{board['red'][0]['name']}')")
                black = await page.locator("#black-list li").all_inner_texts()
                assert [t.split("\n")[0].strip() for t in black] == [r["name"] for r in board["black"]]
                assert "办结用时（中位数）" in await text(page, "#panel-timeliness")

                await page.wait_for_timeout(800)  # let the charts finish their animation
                await page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
                await page.locator("#panel-timeliness").screenshot(path=str(ARTIFACTS / "dashboard-time-in-state.png"))
                await page.locator("#panel-red-black").screenshot(path=str(ARTIFACTS / "dashboard-red-black.png"))

                # The picker narrows the view to one community, still live.
                await page.select_option("#pick-street", ids["st-2"])
                await page.wait_for_function("document.getElementById('breadcrumb').textContent.endsWith('平江街道')")
                await page.select_option("#pick-community", ids["gx"])
                await page.wait_for_function("document.getElementById('breadcrumb').textContent.endsWith('滚绣坊社区')")
                await page.wait_for_function("document.getElementById('live-state').textContent === '实时'")
                gx = await overview(ids["gx"])
                await _figure_is(page, "activity_published", sum(gx["activity"]["by_day"]["demand.published"]))
                assert await page.evaluate("window.__gjMarker") == "still-the-same-page"
                assert not remote, f"the page fetched from elsewhere: {remote}"
                assert not errors, f"script errors on the page: {errors}"
            finally:
                await browser.close()
    await producer.stop()


async def _has_history(overview: Any) -> bool:
    ov = await overview()
    return (sum(ov["activity"]["by_day"]["demand.published"]) >= 22 and len(ov["tree"]["children"]) == 2
            and bool(ov["stats"]))


async def _timeliness_ready(overview: Any) -> bool:
    """Evaluation's snapshots carry the time in state of the 22 demands, all four communities ranked."""
    t = (await overview()).get("timeliness") or {}
    received = sum(f.get("items_received", 0) for f in (t.get("by_month") or {}).values())
    board = t.get("board") or {}
    return received >= 22 and len(board.get("ranked", [])) + len(board.get("unranked", [])) == 4


async def _tile_is(page: Any, key: str, shown: str) -> None:
    await page.wait_for_function(
        f"(document.querySelector('[data-key=\"tis_{key}\"] .value span') || {{}}).textContent === '{shown}'",
        timeout=10_000)


async def _figure_is(page: Any, key: str, value: float, timeout: float = 5_000) -> None:
    await page.wait_for_function(
        f"(document.querySelector('[data-key=\"{key}\"] .value span') || {{}}).textContent === '{value:g}'",
        timeout=timeout)


async def _stats_match(page: Any, overview: Any) -> bool:
    """The key figures and the reporting-rate chart show the API's numbers (stats may still move)."""
    ov = await overview()
    stats = ov.get("stats") or {}
    if not stats:
        return False
    for key, value in stats.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown = page.locator(f'[data-key="{key}"] .value span')
            expected = value * 100 if key == "reporting_rate" else value  # shown in % to one decimal
            if await shown.count() and float(await shown.inner_text()) != pytest.approx(expected, abs=0.051):
                return False
    chart = await page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-reporting'))
                                   .getOption().series[0].data.map((d) => d.value)""")
    rates = [c["stats"] and c["stats"].get("reporting_rate") for c in ov["communities"]]
    if len(chart) != len(rates):
        return False
    return all((c is None) == (r is None) and (r is None or c == pytest.approx(r * 100, abs=0.051))
               for c, r in zip(chart, rates, strict=True))


async def test_dashboard_lands_on_the_callers_own_place_with_a_glossary(services):
    """Issue 13: with a second city also named 同江市 in the registry, a district admin lands on their
    district and a city admin on their own city, never on the other one; the glossary says what each
    figure counts. Screenshots: artifacts/dashboard-landing-{district,city}-admin.png."""
    reg, ev = services["registry"], services["evaluation"]
    async with httpx.AsyncClient(timeout=30) as http:
        ids = await build_city(http, reg, uuid.uuid4().hex[:6])
        other = await build_city(http, reg, uuid.uuid4().hex[:6])  # the demo once made a second 同江市
        await members_report(http, reg, ids["hb"], 2)

        async def known():
            r = await http.get(f"{ev}/dashboard/api/places", headers=auth("city_admin", ids["city"]))
            return r.status_code == 200 and {ids["city"], other["city"]} <= {p["id"] for p in r.json()["roots"]}

        await eventually(known, timeout=60)
        ARTIFACTS.mkdir(exist_ok=True)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="gj-chromium-"), executable_path=CHROMIUM, headless=True,
                args=CHROMIUM_ARGS, viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            try:
                for role, place, crumb in (("district_admin", ids["district"], "同江市 › 姑苏区"),
                                           ("city_admin", ids["city"], "同江市")):
                    page = await browser.new_page()
                    await page.goto(f"{ev}/dashboard?token={dev_token(role, place)}")  # no #place: the landing
                    await page.wait_for_function("document.getElementById('breadcrumb').textContent !== '请选择地点'")
                    assert await text(page, "#breadcrumb") == crumb
                    assert await page.evaluate("location.hash") in ("", f"#place={place}")
                    picker = "pick-district" if role == "district_admin" else "pick-city"
                    assert await page.evaluate(f"document.getElementById('{picker}').value") == place
                    await page.wait_for_selector("#glossary:not([hidden])")
                    await page.evaluate("document.getElementById('glossary').open = true")
                    glossary = await text(page, "#glossary-list")
                    assert "认领人次（人次）" in glossary and "一项需求可被认领多次" in glossary
                    await page.wait_for_timeout(600)  # let the charts finish their animation
                    await page.screenshot(path=str(ARTIFACTS / f"dashboard-landing-{role.replace('_', '-')}.png"),
                                          full_page=True)
                    await page.close()
            finally:
                await browser.close()
