"""The staff console in a real browser, against the real services and the portal, each a process.

Debian's headless Chromium (driven by Playwright) at a desktop size (1440×900, zh-CN) plays
issue 15's story: a community admin imports members from an .xlsx with one bad row and reads
the per-row report (dry run first, then the good rows); publishes a need with its claim rules (the empty
form refused field by field in Chinese first; no due date shows — in the list);
sees a member's claim and fulfilment arrive on the demand page without reloading (the
evaluation service's SSE stream through the portal); verifies it and closes the need (销号).
A unit admin lists the unit's members and their 报到 receipts, finds no 发布需求 button and no
import desk (and the services answer 403 too), and offers a venue (发布资源, 双向认领: the form given up
and opened again shows none of last time's red errors; a typed 25:00 is refused by name); the community
claims it from its 资源清单 (a claim refused by the service shows the Chinese detail; a typed 计划使用时间
that is no date is refused by name, nothing claimed) and the unit's desk shows the project it became. A district admin downloads the year-end Excel.
Every desk is saved as a screenshot under artifacts/console/.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, async_playwright, expect

from gongjian_registry.adapters.sheets import write_xlsx
from gongjian_registry.domain import sheet_layout
from gongjian_registry.domain.idcard import make_id_number
from gongjian_shared.localtime import add_days, today as local_today
from gongjian_shared.testing import auth, eventually, png_pixel
from test_mobile_e2e import CHROMIUM, CHROMIUM_ARGS, CITY_ADMIN, build_city, http, stack  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(600)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "console"
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
           "accept_downloads": True}
PASSWORD = "共建-console-2026"
UNIT = "同江市司法局"


class Desk:
    """One official's browser tab on the console, with screenshots of every desk."""

    def __init__(self, page: Page, portal: str, who: str) -> None:
        self.page, self.portal, self.who = page, portal, who
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []  # the browser console's errors (a refused request logs one)
        self.failed: list[str] = []   # answers >= 400 (some steps expect a refusal: check a window of them)
        page.on("request", lambda r: self.foreign.append(r.url) if not r.url.startswith((portal, "data:", "blob:")) else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.request.method} {r.url}") if r.status >= 400 else None)
        page.on("console", lambda m: self.console.append(f"{m.text} {m.location.get('url', '')}") if m.type == "error" else None)

    async def shot(self, name: str) -> None:
        await self.page.screenshot(path=str(ARTIFACTS / f"{self.who}-{name}.png"), full_page=True)

    async def sign_in(self, username: str, sms_hint: bool = False, enter: bool = False) -> None:
        await self.page.goto(f"{self.portal}/console/")
        await self.page.wait_for_url(re.compile(r"/console/login"))
        # Not signed in is the ordinary case, not an error: the session check (POST /api/auth/refresh,
        # 204 without a cookie) leaves nothing in the console.
        await self.page.locator("input[name=username]").wait_for()
        assert not self.console, f"console errors before signing in: {self.console}"
        if sms_hint:  # 获取验证码 without a phone: said, not a greyed button
            await self.page.get_by_role("tab", name="短信验证码登录").click()
            await self.page.locator('[data-test="send-code"]').click()
            await expect(self.page.get_by_role("alert")).to_have_text("请先填写手机号")
            # Enter in the code field submits this tab too (its form has two inputs: no implicit submit).
            async with self.page.expect_request(lambda r: r.url.endswith("/api/auth/sign-in")):
                await self.page.locator("input[name=code]").press("Enter")
            await self.page.get_by_role("tab", name="账号密码登录").click()
        await self.page.locator("input[name=username]").fill(username)
        await self.page.locator("input[name=password]").fill(PASSWORD)
        sent: list[str] = []
        count = lambda r: sent.append(r.url) if r.url.endswith("/api/auth/password") else None  # noqa: E731
        self.page.on("request", count)
        if enter:  # Enter in the password field signs in, once (no second request from the button)
            await self.page.locator("input[name=password]").press("Enter")
        else:
            await self.page.locator('[data-test="sign-in"]').click()
        # Password hashing is slow on purpose, and slower still on a loaded machine.
        await expect(self.page.locator('[data-test="who"]')).to_be_visible(timeout=60_000)
        self.page.remove_listener("request", count)
        assert len(sent) == 1, f"sign-in requests sent: {sent}"

    async def message(self, text: str) -> None:
        await expect(self.page.locator(".el-message").filter(has_text=text)).to_be_visible()


async def make_staff(http: httpx.AsyncClient, portal: str, username: str, name: str, role: str, places: list[str]) -> str:
    """A console account with the test's password; gives its id (the ``sub`` of its tokens)."""
    r = await http.post(f"{portal}/api/staff", headers=CITY_ADMIN, json={
        "username": username, "name": name, "role": role, "places": places, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def city_with_unit(http: httpx.AsyncClient, registry: str, unit_name: str) -> tuple[dict[str, str], str]:
    """The browser tests' common start: Debian's chromium is there, the demo-like city (``build_city``'s ids)
    and one organ unit paired with its home community; gives (ids, unit id)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash deploy/local/scripts/browser.sh` (Debian's chromium)")
    ids = await build_city(http, registry)
    r = await http.post(f"{registry}/units", headers=CITY_ADMIN, json={
        "name": unit_name, "kind": "organ", "paired_community_id": ids["home"]})
    assert r.status_code == 201, r.text
    return ids, r.json()["id"]


def member_sheet(unit_name: str) -> bytes:
    """The template's example row (row 2, kept as people leave it), then three members of 滨湖世纪社区; row 4
    (the second member) has an ID number whose check digit is wrong."""
    good1 = make_id_number("320508", date(1985, 4, 2), 101)
    good2 = make_id_number("320508", date(1979, 9, 30), 102)
    bad = make_id_number("320508", date(1990, 1, 1), 103)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    rows = [[*sheet_layout.MEMBER_EXAMPLE, sheet_layout.EXAMPLE_MARK],
            ["周建国", good1, "", "在职党员", "法律", unit_name, "滨湖世纪社区", "", "", ""],
            ["吴错号", bad, "", "在职党员", "", "", "滨湖世纪社区", "", "", ""],
            ["郑秀兰", good2, "", "离退休党员", "", "", "滨湖世纪社区", "", "", ""]]
    return write_xlsx(("姓名", "身份证号", "手机号", "党员类型", "专长", "工作单位", "居住社区", "网格", "楼栋",
                       sheet_layout.EXAMPLE_HEADER), rows)


async def test_staff_console_desks(stack, http, ns, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash deploy/local/scripts/browser.sh` (Debian's chromium)")
    registry, claims, evaluation, portal = (stack[k] for k in ("registry", "claims", "evaluation", "portal"))
    ids = await build_city(http, registry)
    r = await http.post(f"{registry}/units", headers=CITY_ADMIN, json={
        "name": UNIT, "kind": "organ", "paired_community_id": ids["home"]})
    assert r.status_code == 201, r.text
    unit = r.json()["id"]
    users = {"secretary": "binhu-secretary", "unit": "sifaju-admin", "district": "gusu-zuzhibu"}  # the portal's db is this test's
    await make_staff(http, portal, users["secretary"], "王书记", "community_admin", [ids["home"]])
    await make_staff(http, portal, users["unit"], "司法局管理员", "unit_admin", [unit])
    await make_staff(http, portal, users["district"], "区委组织部", "district_admin", [ids["district"]])
    sheet = tmp_path / "党员花名册.xlsx"
    sheet.write_bytes(member_sheet(UNIT))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    expect.set_options(timeout=20_000)  # a loaded machine: password hashing, lazy chunks, Kafka hops
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            secretary = Desk(await (await browser.new_context(**DESKTOP)).new_page(), portal, "community")
            await secretary.sign_in(users["secretary"])
            await secretary.page.wait_for_url(re.compile(r"/console/demands$"))  # a community's first desk: its needs
            member = await play_import(secretary, http, stack, ids, sheet)
            await play_demand(secretary, http, stack, ids, member)
            unit_admin = Desk(await (await browser.new_context(**DESKTOP)).new_page(), portal, "unit")
            await unit_admin.sign_in(users["unit"])
            await play_unit(unit_admin, http, stack, unit, member, ids["street"])
            await play_resources(secretary, unit_admin, http, stack, ids, unit)
            await play_registry(secretary, http, stack, ids)
            await campaign_not_open(secretary)
            district = Desk(await (await browser.new_context(**DESKTOP)).new_page(), portal, "district")
            await district.sign_in(users["district"], sms_hint=True, enter=True)
            await district.page.wait_for_url(re.compile(r"/console/evaluation$"))  # the district's: year-end scores
            await play_district(district, http, stack, ids, member)
            await renewal(district)
            await review_unit(secretary)
            for desk in (secretary, unit_admin, district):
                assert not desk.foreign, f"the page fetched from elsewhere: {desk.foreign[:3]}"
                assert not desk.errors, f"script errors on the page: {desk.errors}"
        finally:
            await browser.close()
            expect.set_options(timeout=5_000)  # Playwright's default, for the tests that follow


async def play_import(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                      sheet: Path) -> str:
    """Dry run: the file is refused whole with the per-row report; then the good rows go in. The template's
    example row is skipped and said so as a note, not an error; the error report is saved under the registry's
    name (导入错误报告-<day>), not the job id. Starting with no file says what is missing (the button stays enabled)."""
    page, registry = desk.page, stack["registry"]
    await page.get_by_role("menuitem", name="批量导入").click()
    await page.wait_for_url(re.compile(r"/console/imports$"))
    await page.locator('[data-test="start"]').click()
    await expect(page.locator(".el-form-item__error").filter(has_text="请先选择要导入的文件")).to_be_visible()
    await page.locator('[data-test="file"] input[type=file]').set_input_files(str(sheet))
    await expect(page.locator(".el-form-item__error")).to_have_count(0)
    await page.locator('[data-test="start"]').click()
    await expect(page.locator('[data-test="phase"]')).to_have_text("已拒绝（未写入任何数据）")
    report = page.locator('[data-test="row-report"]')
    await expect(report.locator(".el-table__row")).to_have_count(1)
    first = report.locator(".el-table__row").first
    await expect(first.locator("td").nth(0)).to_have_text("4")  # the sheet's own row number (header = row 1)
    note = page.locator('[data-test="import-note"]')  # a note beside the report, not one of its rows
    await expect(note).to_have_text("第 2 行：示例行已跳过")
    await expect(first.locator("td").nth(1)).to_have_text("身份证号")
    reason = await first.locator("td").nth(2).inner_text()
    assert re.search(r"[\u4e00-\u9fff]", reason) and not re.search(r"[A-Za-z]{4,}", reason), reason
    await desk.shot("01-import-dry-run")
    r = await http.get(f"{registry}/communities/{ids['home']}/members", headers=CITY_ADMIN)
    assert r.json()["count"] == 0, "a dry run wrote nothing"

    await page.get_by_text("导入正确的行，错误行列入报告").click()
    await page.locator('[data-test="dry-run"]').click()  # off: a real import
    await page.locator('[data-test="start"]').click()
    await expect(page.locator('[data-test="phase"]')).to_have_text("已完成；1 行有错误未导入，见错误报告")
    await expect(page.locator('[data-test="import-result"]')).to_contain_text("已新增")
    await expect(report.locator(".el-table__row")).to_have_count(1)
    await expect(note).to_have_text("第 2 行：示例行已跳过")
    async with page.expect_download() as download_info:
        await page.locator('[data-test="error-report"]').click()
    saved = await download_info.value
    assert re.fullmatch(r"导入错误报告-\d{8}\.xlsx", saved.suggested_filename), saved.suggested_filename
    errors = load_workbook(io.BytesIO(Path(await saved.path()).read_bytes())).active
    assert [str(c.value) for c in errors[2]][:2] == ["4", "身份证号"]
    await desk.shot("02-import-done")

    r = await http.get(f"{registry}/communities/{ids['home']}/members", headers=CITY_ADMIN)
    assert r.json()["count"] == 2, r.text
    member = next(m for m in r.json()["members"] if m["work_unit_id"])
    # The member reports at home and, through the unit, to the unit's paired community (two receipts).
    for kind in ("home", "work"):
        r = await http.post(f"{registry}/members/{member['id']}/reports", headers=CITY_ADMIN,
                            json={"community_id": ids["home"], "kind": kind})
        assert r.status_code == 201, r.text
    return member["id"]


async def claims_knows(http: httpx.AsyncClient, claims: str, community: str, staff: dict[str, str]) -> None:
    """Waits until claims knows the community (it learns the place tree through Kafka)."""
    async def known() -> bool:
        r = await http.get(f"{claims}/communities/{community}/claim-rules", headers=staff)
        return r.status_code == 200
    await eventually(known, timeout=60, interval=1)


async def play_demand(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                      member: str) -> None:
    """Publish with claim rules; the claim and its fulfilment arrive live; verify; close."""
    page, claims = desk.page, stack["claims"]
    staff = auth("community_admin", ids["home"], sub="e2e-secretary")
    await claims_knows(http, claims, ids["home"], staff)

    await page.get_by_role("menuitem", name="需求清单").click()
    await page.wait_for_url(re.compile(r"/console/demands$"))
    await page.locator('[data-test="publish"]').click()
    form = page.locator('[data-test="publish-form"]')
    # Nothing chosen: the form names what is missing in Chinese and sends nothing.
    sent = []
    page.on("request", lambda q: sent.append(q.url) if q.method == "POST" and "/api/claims/demands" in q.url else None)
    await page.locator('[data-test="publish-submit"]').click()
    for missing in ("请选择类别", "请选择服务项目", "请填写标题"):
        await expect(form.locator(".el-form-item__error").filter(has_text=missing)).to_be_visible()
    assert not sent, sent
    await page.locator('[data-test="category"]').click()
    await page.get_by_role("option", name="志愿服务").click()
    await page.locator('[data-test="item"]').click()
    await page.get_by_role("option", name="法律咨询").click()
    await form.locator("input[name=title]").fill("周末法律咨询进社区")
    await form.get_by_text("须到本社区报到").click()
    await desk.shot("03-publish")
    await page.locator('[data-test="publish-submit"]').click()
    await desk.message("已发布")
    await page.wait_for_url(re.compile(r"/console/demands/[^/]+$"))
    need = page.url.rsplit("/", 1)[-1]
    await expect(page.locator('[data-test="live"]')).to_have_text("实时更新中", timeout=30_000)
    r = await http.get(f"{claims}/demands/{need}", headers=staff)
    assert r.json()["rules"]["scope"] == "community" and r.json()["title"] == "周末法律咨询进社区"

    # The member claims on their phone (here: the API); the page shows it, named, without a reload.
    helper = auth("member", sub=member)

    async def claimed() -> httpx.Response | None:  # claims learns the member's report through Kafka
        answer = await http.post(f"{claims}/demands/{need}/claims", headers=helper)
        return answer if answer.status_code == 201 else None
    r = await eventually(claimed, timeout=60, interval=1)
    claim_id = r.json()["claim_id"]
    loads = []
    page.on("framenavigated", lambda f: loads.append(f.url) if f == page.main_frame else None)
    rows = page.locator('[data-test="claims"] .el-table__row')
    await expect(rows).to_have_count(1, timeout=30_000)
    await expect(rows.first).to_contain_text("周建国")  # the name, not the id
    await expect(rows.first).to_contain_text("已认领，待服务")
    await desk.shot("04-claim-arrived")
    r = await http.post(f"{claims}/demands/{need}/claims/{claim_id}/evidence", headers=helper,
                        files={"file": ("服务照片.png", png_pixel(), "image/png")})
    assert r.status_code == 201, r.text
    r = await http.post(f"{claims}/demands/{need}/claims/{claim_id}/fulfilment", headers=helper,
                        json={"hours": 2, "note": "为 5 位居民解答法律问题", "beneficiaries": 5})
    assert r.status_code == 200, r.text
    await expect(rows.first).to_contain_text("已登记，待核验", timeout=30_000)
    # The verifier sees the claimant's photo beside the claim (fetched with the token, shown from memory).
    await expect(rows.first.locator('[data-test="evidence-photo"] img')).to_be_visible(timeout=30_000)
    assert not loads, f"the page was reloaded: {loads}"

    await rows.first.locator('[data-test="verify"]').click()
    await desk.message("已核验通过")
    await expect(rows.first).to_contain_text("已核验")
    await desk.shot("05-verified")
    await page.locator('[data-test="closing-evidence"] input[type="file"]').set_input_files(
        files=[{"name": "验收照片.png", "mimeType": "image/png", "buffer": png_pixel((40, 160, 60))}])
    await desk.message("已上传销号佐证")
    await expect(page.locator('[data-test="closing-evidence"] [data-test="evidence-photo"] img')).to_be_visible()
    await page.locator('[data-test="close"]').click()
    await page.locator(".el-message-box").get_by_role("button", name="销号").click()
    await desk.message("已销号办结")
    await expect(page.locator(".head")).to_contain_text("已办结")
    await expect(page.locator('[data-test="totals"]')).to_contain_text("2 小时")  # 销号合计: hours and people served
    await expect(page.locator('[data-test="totals"]')).to_contain_text("5 人次")
    await desk.shot("06-closed")

    # Published without a due date: the list's 截止 cell reads —, not blank.
    await page.get_by_role("menuitem", name="需求清单").click()
    row = page.locator('[data-test="demands"] .el-table__row').filter(has_text="周末法律咨询进社区")
    await expect(row.locator("td").nth(5)).to_have_text("—")

    # Commendation lists are the district's: the community's page offers none, the service refuses.
    await page.get_by_role("menuitem", name="考评与报表").click()
    await expect(page.locator('[data-test="year-end-xlsx"]')).to_be_visible()
    await expect(page.locator('[data-test="commend"]')).to_have_count(0)
    r = await http.post(f"{stack['evaluation']}/commendations", headers=staff,
                        json={"place_id": ids["home"], "year": local_today().year})
    assert r.status_code == 403, r.text


async def play_unit(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], unit: str, member: str,
                    street: str) -> None:
    """The unit's members with their receipts; it offers a resource (发布资源); no publishing of needs,
    no imports — and the services agree."""
    page, portal = desk.page, desk.portal
    await page.wait_for_url(re.compile(r"/console/unit$"))  # a unit admin lands on its own desk
    await expect(page.locator('[data-test="unit"]')).to_contain_text(UNIT)
    await page.get_by_role("menuitem", name="需求清单").click()
    await expect(page.locator('[data-test="demands"]')).to_be_visible()
    await expect(page.locator('[data-test="publish"]')).to_have_count(0)
    await desk.shot("01-demands-no-publish")
    r = await http.post(f"{stack['claims']}/demands", headers=auth("unit_admin", unit), json={
        "community_id": "any", "category": "志愿服务", "item": "法律咨询", "title": "越权发布", "capacity": 1})
    assert r.status_code == 403, r.text
    await expect(page.get_by_role("menuitem", name="批量导入")).to_have_count(0)
    await page.goto(f"{portal}/console/imports")
    await page.wait_for_url(re.compile(r"/console/forbidden$"))
    r = await http.post(f"{stack['registry']}/imports/members", headers=auth("unit_admin", unit),
                        files={"file": ("m.csv", "姓名,居住社区\n甲,x\n".encode(), "text/csv")})
    assert r.status_code == 403, r.text

    await page.get_by_role("menuitem", name="单位工作台").click()
    await page.wait_for_url(re.compile(r"/console/unit$"))
    await offer_resource(desk, http, stack, unit, street)
    await expect(page.locator('[data-test="unit"]')).to_contain_text(UNIT)
    table = page.locator('[data-test="unit-members"]')
    await expect(table.locator(".el-table__row")).to_have_count(1)
    receipt = table.locator('[data-test="receipt"]')
    await expect(receipt).to_contain_text("滨湖世纪社区")
    await expect(receipt).to_contain_text(re.compile(r"回执号 BD-\d{8}-\d{6}"))
    await expect(table).to_contain_text("在职党员双向联系卡")
    await expect(table).to_contain_text("周建国")  # the unit's admin reads its members' names whole
    await desk.shot("02-unit-members")
    # This month's report to the paired community, which the community then confirms (确认). Sent empty, the
    # form says what is missing (the button is not greyed without a word).
    await page.get_by_role("button", name="提交报到").click()
    await expect(page.locator(".el-form-item__error").filter(has_text="请填写本月共建情况")).to_be_visible()
    await page.get_by_placeholder("本月开展的共建活动").fill("开展普法讲座一次")
    await page.get_by_role("button", name="提交报到").click()
    await desk.message("本月报到已提交")
    await expect(page.locator('[data-test="month-reported"]')).to_contain_text("开展普法讲座一次")
    r = await http.get(f"{stack['registry']}/units/{unit}/members", headers=auth("unit_admin", "unit-other"))
    assert r.status_code == 403, r.text


async def offer_resource(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], unit: str, street: str) -> None:
    """双向认领, the unit's side: 发布资源 — the empty form is refused field by field, in Chinese, before
    anything is sent; the hall for the street's communities, with its weekend opening hours, goes in and is
    listed, not yet claimed."""
    page = desk.page
    await page.locator('[data-test="offer"]').click()
    form = page.locator('[data-test="offer-form"]')
    await page.locator('[data-test="offer-submit"]').click()
    for missing in ("请选择资源类型", "请选择类别", "请填写资源名称"):
        await expect(form.locator(".el-form-item__error").filter(has_text=missing)).to_be_visible()
    # Given up and opened again: a clean form, none of last time's red errors.
    await page.locator(".el-dialog").filter(has=form).get_by_role("button", name="取消").click()
    await expect(form).to_be_hidden()
    await page.locator('[data-test="offer"]').click()
    await expect(form).to_be_visible()
    await expect(form.locator(".el-form-item__error")).to_have_count(0)
    await form.get_by_text("场地设施").click()
    await form.locator('[data-test="category"]').click()
    await page.get_by_role("option", name="志愿服务").click()
    await form.locator('[data-test="item"]').click()
    await page.get_by_role("option", name="法律咨询").click()
    await form.locator("input[name=resource-title]").fill("司法局报告厅周末开放")
    await form.locator('.el-input-number input').fill("2")
    # 面向地点: the street (the tree opened level by level from the city); its communities may claim.
    await form.locator('[data-test="place-picker"]').click()
    tree = page.locator(".el-tree-select__popper:visible")
    for level in ("同江市（市）", "姑苏区（区（县））"):
        await tree.locator(".el-tree-node__content").filter(has_text=level).locator(".el-tree-node__expand-icon").click()
    await tree.get_by_text("双塔街道（街道（乡镇））", exact=True).click()
    await expect(tree).to_have_count(0)
    await form.locator('[data-test="weekdays"]').get_by_text("周六").click()
    await form.locator('[data-test="weekdays"]').get_by_text("周日").click()
    # Days without hours: refused by the form (all of an opening time, or none).
    await page.locator('[data-test="offer-submit"]').click()
    await expect(form.locator(".el-form-item__error").filter(has_text="请选择开放的起止时间")).to_be_visible()
    # A typed time that is none: kept in the field and refused by name (Element Plus alone dropped it on blur).
    opens = form.get_by_placeholder("开始时间")
    await opens.click()  # the panel open first, as below
    await expect(page.locator(".el-time-panel:visible")).to_have_count(1)
    # The panel's spinner selects the hour digits as it scrolls into place (late on a loaded machine); text typed
    # over that selection lands inside the old time ("25:00:35"): type again until the field holds just the text.
    for _ in range(5):
        await opens.fill("25:00")
        if await opens.input_value() == "25:00":
            break
    await opens.press("Tab")
    await expect(form.locator(".el-form-item__error")).to_have_text("“25:00”不是有效的开始时间，请按 09:30 的格式填写")
    await expect(opens).to_have_value("25:00")
    for placeholder, at in (("开始时间", "09:00"), ("结束时间", "17:00")):
        # As a person does: the panel is open before the typing. Typed into a panel still opening
        # (a loaded machine), Enter confirmed the panel's default, the current time (CI saw 07:42).
        picker = form.get_by_placeholder(placeholder)
        await picker.click()
        await expect(page.locator(".el-time-panel:visible")).to_have_count(1)
        await picker.fill(at)
        await picker.press("Enter")
        await expect(picker).to_have_value(at)
        await expect(page.locator(".el-time-panel:visible")).to_have_count(0)
    await desk.shot("02a-offer-resource")
    await page.locator('[data-test="offer-submit"]').click()
    await desk.message("资源已发布")
    offered = page.locator('[data-test="unit-resources"]')
    await expect(offered).to_contain_text("司法局报告厅周末开放")
    await expect(offered).to_contain_text("2 / 2")
    await expect(offered).to_contain_text("暂无社区认领")
    r = await http.get(f"{stack['claims']}/resources", params={"unit_id": unit}, headers=auth("unit_admin", unit))
    hall = next(x for x in r.json()["items"] if x["title"] == "司法局报告厅周末开放")
    assert (hall["kind"], hall["capacity"], hall["area_id"], hall["opening_hours"]) == (
        "venue", 2, street, [{"weekdays": [6, 7], "opens": "09:00", "closes": "17:00"}]), hall


async def play_resources(secretary: Desk, unit_admin: Desk, http: httpx.AsyncClient, stack: dict[str, str],
                         ids: dict[str, str], unit: str) -> None:
    """双向认领, the community's side: the 资源清单 lists what units offer; a claim the service refuses (the
    last place was taken meanwhile) shows its Chinese detail; the hall is claimed and the unit's desk shows the
    project it became."""
    from test_console_forms_e2e import chinese_error  # (that module imports this one)
    page, claims = secretary.page, stack["claims"]
    r = await http.post(f"{claims}/resources", headers=auth("unit_admin", unit), json={
        "kind": "goods", "category": "志愿服务", "item": "法律咨询", "title": "普法宣传资料一批", "capacity": 1})
    assert r.status_code == 201, r.text
    leaflets = r.json()["id"]
    await page.get_by_role("menuitem", name="资源清单").click()
    table = page.locator('[data-test="resources"]')
    await expect(table.locator(".el-table__row")).to_have_count(2)
    await expect(table).to_contain_text(UNIT)
    await expect(table).to_contain_text("周六、周日 09:00–17:00")

    async def next_door_claims() -> bool:  # claims learns the other community through Kafka
        r = await http.post(f"{claims}/resources/{leaflets}/claims", json={"community_id": ids["work"]},
                            headers=auth("community_admin", ids["work"], sub="e2e-next-door"))
        return r.status_code == 201
    await eventually(next_door_claims, timeout=60, interval=1)
    await table.locator(".el-table__row").filter(has_text="普法宣传资料一批").locator('[data-test="claim-resource"]').click()
    assert "名额已满" in await chinese_error(page, page.locator('[data-test="claim-submit"]'))
    await expect(page.locator('[data-test="claim-form"]')).to_be_visible()  # refused: the dialog stays
    await page.locator(".el-dialog").get_by_role("button", name="取消").click()

    hall = table.locator(".el-table__row").filter(has_text="司法局报告厅周末开放")
    await hall.locator('[data-test="claim-resource"]').click()
    due = page.locator('[data-test="claim-form"]').get_by_placeholder("可不填（默认 30 天内）")
    # A typed 计划使用时间 that is no date: refused by name, nothing sent (it was ignored, the default used).
    sent: list[str] = []
    page.on("request", lambda q: sent.append(q.url) if q.method == "POST" and "/claims" in q.url else None)
    await due.fill("2026-13-01")
    await due.press("Tab")
    refusal = page.locator('[data-test="claim-form"] .el-form-item__error')
    await expect(refusal).to_have_text("“2026-13-01”不是有效的计划使用时间，请按 2026-12-31 的格式填写")
    await page.locator('[data-test="claim-submit"]').click()
    await expect(refusal).to_be_visible()
    await secretary.shot("06-resources-typed-day-refused")
    assert not sent, sent
    await due.fill(str(add_days(local_today(), 14)))
    await due.press("Enter")
    await page.locator("textarea[name=claim-note]").fill("用于社区普法讲座")
    await page.locator('[data-test="claim-submit"]').click()
    await secretary.message("已认领，已生成共建项目")
    await expect(hall.locator('[data-test="claimed-here"]')).to_be_visible()
    tag, frame = await hall.locator('[data-test="claimed-here"]').bounding_box(), await table.bounding_box()
    assert tag["x"] + tag["width"] <= frame["x"] + frame["width"], (tag, frame)  # the 操作 column fits at 1440 px
    await expect(hall).to_contain_text("1 / 2")
    await secretary.shot("06a-resources")

    upage = unit_admin.page
    await upage.reload()
    row = upage.locator('[data-test="unit-resources"] .el-table__row').filter(has_text="司法局报告厅周末开放")
    due = add_days(local_today(), 14)
    await expect(row.locator('[data-test="resource-project"]')).to_have_text(  # the stage and the day it is due
        f"滨湖世纪社区 · 项目已认领 · {due.month}月{due.day}日 24:00")
    await unit_admin.shot("02b-resource-project")


async def play_registry(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str]) -> None:
    """The registry desks: the place tree with party organisations, the roll with receipts, the units."""
    page = desk.page
    await page.get_by_role("menuitem", name="地点与党组织").click()
    await expect(page.locator('[data-test="place-tree"]')).to_contain_text("党组织：滨湖世纪社区社区党委")
    await desk.shot("07-places")
    await page.get_by_role("menuitem", name="党员名册").click()
    roll = page.locator('[data-test="members"]')
    await expect(roll.locator(".el-table__row")).to_have_count(2)
    await expect(roll).to_contain_text(re.compile(r"BD-\d{8}-\d{6}"))
    await expect(roll).to_contain_text("在职党员双向联系卡")
    await expect(roll).to_contain_text("周建国")  # whole to the community's staff, as on the evaluation desk
    await desk.shot("08-members")
    # The filter and page live in the address: a reload keeps them (and the list the registry filtered).
    await page.locator('[data-test="kind-filter"]').click()
    await page.get_by_role("option", name="离退休党员").click()
    await expect(roll.locator(".el-table__row")).to_have_count(1)
    await page.wait_for_url(re.compile(r"/console/members\?.*kind=retired"))
    await page.reload()
    await expect(roll.locator(".el-table__row")).to_have_count(1)
    await expect(roll).to_contain_text("郑秀兰")
    await expect(page.locator('[data-test="kind-filter"]')).to_contain_text("离退休党员")
    # A change a person makes is a history entry: Back returns to the roll before the filter (it was
    # replaced in the address, so Back skipped the list altogether).
    await page.go_back()
    await page.wait_for_url(re.compile(r"/console/members$"))
    await expect(roll.locator(".el-table__row")).to_have_count(2)
    await page.get_by_role("menuitem", name="驻区单位").click()
    units = page.locator('[data-test="units"]')
    await expect(units).to_contain_text(UNIT)
    await expect(page.locator('[data-test="units-pager"]')).to_contain_text("共 1 条")  # paged by the registry
    await expect(page.locator('[data-test="unreported"]')).to_contain_text("全部单位已报到")
    await units.locator(".el-table__expand-icon").first.click()
    await units.locator('[data-test="confirm"]').click()
    await desk.message("已确认")
    await units.locator(".el-table__expand-icon").first.click()
    await expect(units).to_contain_text("已确认")
    await desk.shot("09-units")


async def play_district(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                        member: str) -> None:
    """The district's year-end scores, and the Excel the organisation department files."""
    page, evaluation = desk.page, stack["evaluation"]
    year = local_today().year
    district = auth("district_admin", ids["district"], sub="e2e-district")

    async def scored() -> bool:  # evaluation learns the verified hours through Kafka
        r = await http.get(f"{evaluation}/year-end", params={"place_id": ids["district"], "year": year}, headers=district)
        return r.status_code == 200 and any(m["holder_id"] == member and m["metrics"]["points_year"] > 0
                                            for m in r.json()["members"])
    await eventually(scored, timeout=60, interval=1)
    await page.get_by_role("menuitem", name="考评与报表").click()
    await page.wait_for_url(re.compile(r"/console/evaluation$"))
    await expect(page.locator('[data-test="year-end-members"]')).to_contain_text("周建国")
    await expect(page.locator('[data-test="commend"]')).to_be_visible()  # district admins publish commendations
    await desk.shot("01-year-end")
    async with page.expect_download() as download_info:
        await page.locator('[data-test="year-end-xlsx"]').click()
    download = await download_info.value
    assert download.suggested_filename == f"姑苏区 {year}年度 共驻共建年末综合考核.xlsx"  # the service's name
    book = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "周建国" in cells and "综合得分" in cells, sorted(cells)[:20]
    await page.locator('[data-test="commend"]').click()  # 公示: the year's commendation list of the district
    await desk.message("表彰名单已公布")
    await expect(page.locator('[data-test="commendation"]')).to_contain_text("周建国")
    await page.get_by_role("tab", name="积分规则").click()
    await expect(page.locator('[data-test="rules"]')).to_contain_text("第 1 版")
    await desk.shot("02-rules")
    await page_year_end(desk, http, evaluation, ids["district"], district)

    # 打开数据看板: the dashboard opens through the portal (the one origin), with the console's token;
    # its scripts, data and stream load under /api/evaluation (they 404'd at the service's root).
    failed: list[str] = []
    page.context.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    async with page.context.expect_page() as opened:
        await page.locator('[data-test="dashboard-link"]').click()
    board = await opened.value
    board_errors: list[str] = []
    board.on("pageerror", lambda e: board_errors.append(str(e)))
    board.on("console", lambda m: board_errors.append(f"{m.text} {m.location.get('url', '')}") if m.type == "error" else None)
    await board.wait_for_selector('[data-key="activity_published"]', timeout=30_000)
    await board.wait_for_function("document.getElementById('live-state').textContent === '实时'", timeout=30_000)
    assert board.url.startswith(f"{desk.portal}/api/evaluation/dashboard") and "token=" not in board.url, board.url
    assert await board.evaluate("typeof echarts") == "object"  # vendor/echarts.min.js came through the portal
    assert (await board.locator("#breadcrumb").text_content() or "").endswith("姑苏区")
    assert not failed and not board_errors, (failed, board_errors)
    await board.screenshot(path=str(ARTIFACTS / f"{desk.who}-02b-dashboard.png"), full_page=True)
    await board.close()

    # The district opens the year's two-way evaluation (双向评议); it reads the registry, imports nothing.
    # Before it does, the page asks the campaign list (no 404 for the campaign not yet opened).
    seen = len(desk.failed)
    await page.get_by_role("menuitem", name="双向评议").click()
    await expect(page.locator('[data-test="who-opens"]')).to_contain_text("区委组织部（区级管理员）")
    await page.locator('[data-test="open-campaign"]').click()
    await desk.message("评议已开启")
    await expect(page.locator('[data-test="campaign"]')).to_contain_text("评议中")
    assert not desk.failed[seen:], desk.failed[seen:]
    await desk.shot("03-campaign")
    await expect(page.get_by_role("menuitem", name="批量导入")).to_have_count(0)
    r = await http.post(f"{stack['registry']}/imports/members", headers=district,
                        files={"file": ("m.csv", "姓名,居住社区\n甲,x\n".encode(), "text/csv")})
    assert r.status_code == 403, r.text


async def renewal(desk: Desk) -> None:
    """The access token is refused (401) by the services. While the portal cannot renew it (its refresh
    answers 503: the registry or its database busy for a moment) the desk stays signed in and says so in
    Chinese (it used to be sent to the sign-in page: a session that was alive, lost to an outage). Once
    renewal answers, the refused requests renew once between them and go through."""
    page, stale, refreshes = desk.page, set(), []
    to_services, to_refresh = re.compile(r"/api/(registry|claims|evaluation)/"), re.compile(r"/api/auth/refresh$")

    async def services(route) -> None:  # the token in use when the outage starts is refused from then on
        token = route.request.headers.get("authorization")
        if token and (not stale or token in stale):
            stale.add(token)
            await route.fulfill(status=401, json={"detail": "登录已过期，请重新登录 (token expired)"})
        else:
            await route.continue_()

    async def outage(route) -> None:
        await route.fulfill(status=503, json={"detail": "报到服务暂不可用，请稍后重试 (registry unavailable)"})

    await page.route(to_services, services)
    await page.route(to_refresh, outage)
    await page.get_by_role("menuitem", name="考评与报表").click()  # from 双向评议, where play_district ends
    await expect(page.get_by_role("alert").filter(has_text="登录暂时无法续期，请稍后重试")).to_be_visible()
    assert "/console/login" not in page.url, page.url
    await page.unroute(to_refresh, outage)
    count = lambda r: refreshes.append(r.url) if r.url.endswith("/api/auth/refresh") else None  # noqa: E731
    page.on("request", count)
    await page.get_by_role("menuitem", name="双向评议").click()
    await expect(page.locator('[data-test="campaign"]')).to_contain_text("评议中")
    page.remove_listener("request", count)
    await page.unroute(to_services, services)
    assert len(refreshes) == 1, f"one renewal for the refused requests, not {refreshes}"


async def page_year_end(desk: Desk, http: httpx.AsyncClient, evaluation: str, place: str, token: dict) -> None:
    """The year-end table pages on the server: one member a page (?size=1, kept in the address as
    the page is), the second page after a reload shows the second of the whole place with its rank."""
    page, year = desk.page, local_today().year
    ranked = (await http.get(f"{evaluation}/year-end", params={"place_id": place, "year": year, "limit": 500},
                             headers=token)).json()["members"]
    assert len(ranked) >= 2, ranked
    await page.goto(f"{desk.portal}/console/evaluation?size=1&page=2")  # a reload on page 2
    table, pager = page.locator('[data-test="year-end-members"]'), page.locator('[data-test="year-end-pager"]')
    await expect(table.locator(".el-table__body tr")).to_have_count(1)
    await expect(table).to_contain_text(ranked[1]["name"])
    await expect(table.locator(".el-table__body tr td").first).to_have_text(str(ranked[1]["rank"]))
    await expect(pager).to_contain_text(f"共 {len(ranked)} 条")
    await pager.locator(".btn-prev").click()
    await expect(table).to_contain_text(ranked[0]["name"])
    await page.wait_for_url(re.compile(r"/console/evaluation\?size=1$"))  # page 1 is the default: not written


async def review_unit(desk: Desk) -> None:
    """The community grades its paired unit in the campaign the district opened. 提交评议 stays enabled:
    with no unit chosen the form says what is missing (it was greyed without a word); then it is taken."""
    page = desk.page
    await page.get_by_role("menuitem", name="需求清单").click()  # away and back: the page loads the campaign anew
    await page.get_by_role("menuitem", name="双向评议").click()
    await expect(page.locator('[data-test="campaign"]')).to_contain_text("评议中")
    await page.locator('[data-test="submit-review"]').click()
    await expect(page.locator('[data-test="review-form"] .el-form-item__error')).to_have_text("请选择评议的单位")
    await page.locator('[data-test="review-form"] .el-select').first.click()
    await page.get_by_role("option", name=UNIT).click()
    await page.locator('[data-test="submit-review"]').click()
    await desk.message("评议已提交")
    await expect(page.locator('[data-test="campaign"]')).to_contain_text("1 份")
    await desk.shot("11-campaign-review")


async def campaign_not_open(desk: Desk) -> None:
    """A community's 双向评议 page before the district opens the year's campaign: it says who opens it,
    offers no button to open it, and makes no failing call (it asked for the campaign by id: two 404s)."""
    page, seen = desk.page, len(desk.failed)
    async with page.expect_response(lambda r: "/api/evaluation/campaigns" in r.url) as asked:
        await page.get_by_role("menuitem", name="双向评议").click()
    assert (await asked.value).status == 200, (await asked.value).url
    await expect(page.locator('[data-test="no-campaign"]')).to_contain_text("本年度双向评议尚未开启")
    await expect(page.locator('[data-test="who-opens"]')).to_contain_text("区委组织部（区级管理员）")
    await expect(page.locator('[data-test="open-campaign"]')).to_have_count(0)
    await desk.shot("10-campaign-not-open")
    assert not desk.failed[seen:], desk.failed[seen:]
