"""The demo's activity shows the issue-14 figures where an official looks: the statistics API,
the demo's printed step 9 and the dashboard (its overview API, which the page draws): time in
state and the 红黑榜 (point 8), 解决了吗 answers in 满意率/解决率 (point 4), claims taken back and
handed over (point 1), 岗位服务 (point 2: today's shift served by QR check-in and by hand) and the
quarter's inspection with its 限期整改 item (point 6) in the statistics API, on the overview and on the
page itself (Debian chromium through Playwright).

Registry, claims and evaluation run as in ``make demo`` (own processes, real Kafka and FerretDB);
the demo's own code creates the places (the demo city's district, streets and communities),
members register and report through registry's HTTP API, and the demo week plays through
claims' HTTP API (three days, fewer members: the full city takes minutes on a loaded machine).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from playwright.async_api import async_playwright
from gongjian_claims.demo_week import play_week
from gongjian_local.demo import Demo
from gongjian_local.demo_city import create_places, report_members
from gongjian_local.demo_figures import DISTRICT, show_time_figures
from gongjian_registry.demo_city import place_specs
from gongjian_shared.localtime import this_month
from gongjian_shared.testing import CHROMIUM, CHROMIUM_ARGS, ServiceProcess, dev_token, eventually, start_together

pytestmark = pytest.mark.timeout(600)
COMMUNITIES = 4  # of the demo city's nine, enough for a 红榜 and a 黑榜
MEMBERS = 6      # per community
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"
SHIFT_KEYS = ("shifts_held", "shift_signups", "shift_attended", "shift_hours", "shift_attendance_rate")


@pytest.fixture
def demo(ns):
    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING", EVALUATION_SNAPSHOT_S="0.5")
    procs = [ServiceProcess(name, env) for name in ("registry", "claims", "evaluation")]
    try:
        start_together(procs, timeout=120)
        yield Demo({p.service: p.url for p in procs})
    finally:
        for proc in procs:
            proc.stop()


def _city(demo: Demo) -> dict[str, list[str]]:
    specs = [s for s in place_specs() if s["kind"] in ("city", "district", "street", "community")]
    create_places(demo, demo.headers("city_admin"), specs)
    communities = [s["id"] for s in specs if s["kind"] == "community"][:COMMUNITIES]
    members = []
    for community in communities:
        staff = demo.headers("community_admin", community)
        for n in range(MEMBERS):
            member = demo.call("POST", "registry", "/members", headers=staff,
                               json={"name": f"演示{n}号", "home_community_id": community, "specialties": ["法律"]})
            members.append((member["id"], community))
    report_members(demo, members)
    return {"communities": communities, "members": [m for m, _ in members]}


async def test_the_demo_week_shows_time_in_state_and_the_red_black_board(demo, capsys):
    city = await asyncio.to_thread(_city, demo)
    summary = await play_week(demo.urls["claims"], token=dev_token, community_ids=city["communities"],
                              member_ids=city["members"], days=3, members_per_day=len(city["members"]), progress=None)
    for key in ("demands published", "claims", "claims revoked", "claims handed over", "shift sign-ups",
                "shift QR check-ins", "shift hours by hand", "shift corrections approved", "inspections recorded"):
        assert summary.get(key, 0) > 0, (key, summary)
    answers = sum(v for k, v in summary.items() if k.startswith("answered "))  # 解决了吗
    assert answers > 0, summary
    # Items: the needs published (less the one position per community: not an item), the wishes
    # posted (less those rejected: counted apart) and the suggestions. Duties come by dispatch.
    items = summary["demands published"] - COMMUNITIES + summary.get("wishes posted", 0) \
        - summary.get("wishes rejected", 0) + summary.get("suggestions received", 0)

    async def figures_arrived():
        shown = await asyncio.to_thread(show_time_figures, demo)
        got = shown["figures"]
        return shown if (got["items_received"], got["answers_received"]) == (items, answers) else None
    shown = await eventually(figures_arrived, timeout=120, interval=1)
    figures, board = shown["figures"], shown["board"]
    assert figures["items_responded"] > 0 and figures["response_rate"] is not None
    assert figures["closure_rate"] is not None and figures["first_claim_hours_median"] is not None
    # 解决了吗 (point 4): every answer reached evaluation (waited for above) and counts in 满意率 and 解决率
    assert figures["resolved_rate"] is not None and figures["satisfaction_rate"] is not None
    assert {r["place_id"] for r in board["ranked"]} == set(city["communities"])  # the others had no items
    assert len(board["ranked"]) + len(board["unranked"]) == 9 and board["red"] and board["black"]
    printed = capsys.readouterr().out
    assert "本月诉求时效" in printed and "响应率" in printed and "本月红榜" in printed and "本月黑榜" in printed
    assert "本月岗位服务" in printed and "到岗率" in printed

    # 岗位服务 (point 2): every sign-up, check-in and hours entry reached the statistics.
    attended = summary["shift QR check-ins"] + summary["shift hours by hand"]

    async def shifts_arrived():
        got = await asyncio.to_thread(shift_figures, demo, "all")
        return got if (got["shift_signups"], got["shift_attended"]) == (summary["shift sign-ups"], attended) else None
    try:
        shifts = await eventually(shifts_arrived, timeout=120, interval=1)
    except AssertionError:
        raise AssertionError(f"the statistics show {await asyncio.to_thread(shift_figures, demo, 'all')}, "
                             f"the demo played {summary}") from None
    assert 0 < shifts["shifts_held"] <= COMMUNITIES  # today's shift of the positions someone attended
    assert shifts["shift_attendance_rate"] == round(attended / summary["shift sign-ups"], 4) < 1  # no-shows
    assert shifts["shift_hours"] >= summary["shift corrections approved"] * 1.0 > 0  # a QR visit corrected to 1 h
    this = await asyncio.to_thread(shift_figures, demo, this_month())
    assert this["shift_attended"] == attended  # today's shifts: this local month

    # 督查 (point 6): the one inspection and its 限期整改 item in this local quarter's statistics.
    month = this_month()
    quarter = f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"
    inspected = await asyncio.to_thread(demo.call, "GET", "evaluation", f"/stats/district:{DISTRICT}",
                                        headers=demo.headers("district_admin", DISTRICT), params={"period": quarter})
    assert (inspected["counters"]["inspections_recorded"], inspected["counters"]["rectifications_opened"],
            inspected["derived"]["rectifications_open"]) == (1, 1, 1), inspected["counters"]

    official = demo.headers("district_admin", DISTRICT)

    seen: list = []

    async def dashboard_shows():
        ov = await asyncio.to_thread(demo.call, "GET", "evaluation", "/dashboard/api/overview", headers=official,
                                     params={"place": DISTRICT}, expect=(200, 503))
        t = (ov or {}).get("timeliness") or {}
        # Snapshots sit on several partitions (key = scope): the communities' may come after the district's.
        ranked = [(r["place_id"], r["figures"]["composite_score"]) for r in (t.get("board") or {}).get("ranked", [])]
        stats = (ov or {}).get("stats") or {}  # point 1 on the key figures: taken back, handed over
        if (stats.get("claims_revoked"), stats.get("claims_handed_over"), stats.get("inspections_recorded"),
                stats.get("rectifications_open")) != (summary["claims revoked"], summary["claims handed over"], 1, 1):
            return None
        seen[:] = [t.get("figures"), ranked, [(r["place_id"], r["figures"]["composite_score"]) for r in board["ranked"]],
                   figures]
        return t if (t.get("figures") or {}).get("items_received") == figures["items_received"] \
            and ranked == [(r["place_id"], r["figures"]["composite_score"]) for r in board["ranked"]] else None
    try:
        panel = await eventually(dashboard_shows, timeout=120, interval=1)
    except AssertionError:
        raise AssertionError(f"the dashboard shows {seen}") from None
    assert panel["figures"]["response_rate"] == figures["response_rate"] and panel["month"] == board["month"]

    async def shift_panel():  # the overview's 岗位服务 panel: this month's figures, as the statistics API
        ov = await asyncio.to_thread(demo.call, "GET", "evaluation", "/dashboard/api/overview", headers=official,
                                     params={"place": DISTRICT}, expect=(200, 503))
        s = (ov or {}).get("shifts") or {}
        return s if s.get("month") == this_month() and s.get("figures") == this else None
    try:
        shown = await eventually(shift_panel, timeout=120, interval=1)
    except AssertionError:
        raise AssertionError(f"the dashboard's 岗位服务 panel never showed {this}") from None
    assert {r["place_id"] for r in shown["communities"]} <= set(city["communities"]) and shown["communities"]
    await page_shows_shifts(demo, this)


def shift_figures(demo: Demo, period: str) -> dict:
    stats = demo.call("GET", "evaluation", f"/stats/district:{DISTRICT}", headers=demo.headers("district_admin", DISTRICT),
                      params={"period": period})
    return {k: {**stats["counters"], **stats["derived"]}[k] for k in SHIFT_KEYS}


async def page_shows_shifts(demo: Demo, this: dict) -> None:
    """The page itself, in Debian's chromium: the 岗位服务 tiles read the month's figures, in Chinese,
    and the glossary (指标说明) says what 到岗率 counts. Saves artifacts/dashboard-shifts.png."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash deploy/local/scripts/browser.sh` (Debian's chromium)")
    ev = demo.urls["evaluation"]
    rate = f"{this['shift_attendance_rate'] * 100:.1f}"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="gj-chromium-"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(f"{ev}/dashboard?token={dev_token('district_admin', DISTRICT)}#place={DISTRICT}")
            tile = '#panel-shifts [data-key="shift_{}"] .value span'
            await page.wait_for_function(
                "([sel, want]) => document.querySelector(sel)?.textContent === want",
                arg=[tile.format("shift_signups"), str(this["shift_signups"])], timeout=60_000)
            assert (await page.locator(tile.format("shift_attended")).inner_text()).strip() == str(this["shift_attended"])
            assert (await page.locator(tile.format("shift_attendance_rate")).inner_text()).strip() == rate
            assert (await page.locator(tile.format("shifts_held")).inner_text()).strip() == str(this["shifts_held"])
            # The inspection (point 6) among the key figures.
            for key, label in (("inspections_recorded", "督查次数"), ("rectifications_open", "在改事项")):
                assert await page.locator(f'#figures [data-key="{key}"] .label').inner_text() == label
                assert await page.locator(f'#figures [data-key="{key}"] .value span').inner_text() == "1"
            labels = await page.locator("#panel-shifts .figure .label").all_inner_texts()
            assert labels == ["开展班次", "班次报名", "到岗人次", "到岗率", "岗位服务时长"]
            assert "报名" in await page.locator("#shift-communities li").first.inner_text()
            await page.wait_for_function("document.getElementById('glossary-list').textContent.includes('到岗率')")
            await page.locator("#glossary summary").click()  # 指标说明 opens
            assert "到岗人次 ÷ 班次报名" in await page.locator("#glossary-list").inner_text()
            ARTIFACTS.mkdir(exist_ok=True)
            await page.locator("#panel-shifts").screenshot(path=str(ARTIFACTS / "dashboard-shifts.png"))
            assert not errors, errors
        finally:
            await browser.close()
