"""The mobile site in a real browser, against the real services and the portal, each a process.

Debian's headless Chromium (driven by Playwright) at a phone's size (375×667, zh-CN) plays
issue 12's story: a party member signs in with the code the development SMS sender sent,
reports to a community, claims a need, checks in and out through the QR link the community
prints, records the hours; the community verifies (through the API, the console comes
later); the member sees the points on their page. A resident registers, posts a micro-wish,
follows it to done, confirms and rates it (满意吗), and sends a suggestion. Every page is
saved as a screenshot under artifacts/mobile/. Service errors show as their Chinese detail.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Page, async_playwright, expect
from pymongo import MongoClient

from gongjian_shared.testing import ServiceProcess, auth, eventually, free_port

pytestmark = pytest.mark.timeout(420)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "mobile"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
CITY_ADMIN = auth("city_admin", sub="city-e2e")
ACCESS_TTL_S = 20  # short-lived access tokens, so that the 401 → refresh → retry path is taken


@pytest.fixture
def stack(ns) -> Iterator[dict[str, str]]:
    """registry, claims, evaluation and the portal, each in its own process; {name: URL}."""
    portal_port = free_port()
    portal_url = f"http://127.0.0.1:{portal_port}"
    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING", GONGJIAN_PUBLIC_URL=portal_url, PORTAL_DB=ns.db("portal"))
    registry = ServiceProcess("registry", env)
    procs = [registry, *(ServiceProcess(name, {**env, "REGISTRY_URL": registry.url}) for name in ("claims", "evaluation"))]
    urls = {p.service: p.url for p in procs}  # evaluation asks this registry for names (not one on 8001)
    procs.append(ServiceProcess("portal", {
        **env, "PORTAL_DEV_OUTBOX": "1", "PORTAL_ACCESS_TTL_MIN": str(ACCESS_TTL_S / 60),
        "REGISTRY_URL": urls["registry"], "CLAIMS_URL": urls["claims"], "EVALUATION_URL": urls["evaluation"]},
        port=portal_port))
    try:
        with ThreadPoolExecutor(len(procs)) as pool:  # the four start side by side (ports are known)
            list(pool.map(lambda proc: proc.start(timeout=150), procs))  # a loaded machine starts slowly
        yield {**urls, "portal": portal_url, "mongodb_url": ns.infra.mongodb_url, "claims_db": ns.db("claims")}
    finally:
        for proc in reversed(procs):
            proc.stop()


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


async def build_city(http: httpx.AsyncClient, registry: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for key, kind, name, parent in (("city", "city", "同江市", None), ("district", "district", "姑苏区", "city"),
                                    ("street", "street", "双塔街道", "district"),
                                    ("home", "community", "滨湖世纪社区", "street"),
                                    ("work", "community", "盘溪新村第一社区", "street")):
        r = await http.post(f"{registry}/places", headers=CITY_ADMIN,
                            json={"kind": kind, "name": name, "parent_id": ids.get(parent)})
        assert r.status_code == 201, r.text
        ids[key] = r.json()["id"]
    return ids


def new_phone() -> str:
    return f"139{random.randrange(10**8):08d}"


class Phone:
    """One person's phone: a browser page at 375×667, with screenshots of every step."""

    def __init__(self, page: Page, portal: str, who: str) -> None:
        self.page, self.portal, self.who = page, portal, who
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.refused = 0  # API answers 401 (the access token had expired)
        self.renewed = 0  # refreshes through the cookie after such a 401
        page.on("response", self._count)
        page.on("request", lambda r: self.foreign.append(r.url) if not r.url.startswith((portal, "data:", "blob:")) else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _count(self, response: Any) -> None:
        path = response.url.removeprefix(self.portal)
        if response.status == 401 and path.startswith("/api/") and not path.startswith("/api/auth/"):
            self.refused += 1
        elif path == "/api/auth/refresh" and response.status == 200 and self.refused:
            self.renewed += 1

    async def shot(self, name: str) -> None:
        await self.page.wait_for_load_state("networkidle")
        await self.page.screenshot(path=str(ARTIFACTS / f"{self.who}-{name}.png"))

    async def toast(self, text: str) -> None:
        """A toast says ``text``; then it goes, so that it hides nothing in the next screenshot."""
        toast = self.page.locator(".van-toast").filter(has_text=text)
        await expect(toast).to_be_visible()
        await expect(toast).to_be_hidden()

    async def sms_sign_in(self, http: httpx.AsyncClient, phone: str) -> None:
        await self.page.get_by_placeholder("请输入手机号").fill(phone)
        await self.page.get_by_role("button", name="获取验证码").click()
        await expect(self.page.get_by_role("button", name=re.compile("秒后重发"))).to_be_visible()
        r = await http.get(f"{self.portal}/api/dev/sms-codes/{phone}")
        assert r.status_code == 200, r.text
        await self.page.get_by_placeholder("短信验证码").fill(r.json()["code"])

    async def sign_in_by_api(self, http: httpx.AsyncClient, phone: str, register: dict | None = None) -> dict:
        """Sign in with the code the development sender sent (or register as a resident: ``register`` gives
        name and community_id) through the portal's API from this phone's browser, so the refresh cookie is
        the browser's and the pages open signed in; for tests whose story starts after signing in (the sign-in
        pages are played above). Gives the ``me`` of the session."""
        r = await self.page.request.post(f"{self.portal}/api/auth/sms-code", data={"phone": phone})
        assert r.status == 202, await r.text()
        code = (await http.get(f"{self.portal}/api/dev/sms-codes/{phone}")).json()["code"]
        r = await self.page.request.post(f"{self.portal}/api/auth/{'register' if register else 'sign-in'}",
                                         data={"phone": phone, "code": code, **(register or {})})
        assert r.ok, await r.text()
        return (await r.json())["me"]


async def test_member_and_resident_on_their_phones(stack, http, ns):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash deploy/local/scripts/browser.sh` (Debian's chromium)")
    registry, claims, evaluation, portal = (stack[k] for k in ("registry", "claims", "evaluation", "portal"))
    ids = await build_city(http, registry)
    staff = auth("community_admin", ids["home"], sub="secretary-e2e")
    member_phone, resident_phone = new_phone(), new_phone()
    r = await http.post(f"{registry}/members", headers=CITY_ADMIN, json={
        "name": "张文珠", "home_community_id": ids["home"], "phone": member_phone, "specialties": ["法律"]})
    assert r.status_code == 201, r.text
    member_id = r.json()["id"]
    need_body = {"community_id": ids["home"], "category": "志愿服务", "item": "法律咨询", "title": "周末法律咨询进社区",
                 "capacity": 3, "due_at": (datetime.now(UTC) + timedelta(days=7)).isoformat()}

    async def need_published() -> httpx.Response | None:
        """Claims learns of the new community through Kafka; until then it refuses the need (422)."""
        answer = await http.post(f"{claims}/demands", headers=staff, json=need_body)
        return None if answer.status_code == 422 and answer.json()["code"] == "unknown-community" else answer
    r = await eventually(need_published, timeout=60, interval=1)
    assert r.status_code == 201, r.text
    need = r.json()["id"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            member = Phone(await (await browser.new_context(**PHONE)).new_page(), portal, "member")
            await play_member(member, http, stack, ids, staff, member_phone, member_id, need)
            resident = Phone(await (await browser.new_context(**PHONE)).new_page(), portal, "resident")
            await play_resident(resident, http, stack, ids, staff, resident_phone, member_id)
            secretary = Phone(await (await browser.new_context(**PHONE)).new_page(), portal, "staff")
            await play_staff(secretary, http, stack, ids)
            for phone in (member, resident, secretary):
                assert not phone.foreign, f"the page fetched from elsewhere: {phone.foreign[:3]}"
                assert not phone.errors, f"script errors on the page: {phone.errors}"
        finally:
            await browser.close()


async def play_member(ph: Phone, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                      staff: dict[str, str], phone: str, member_id: str, need: str) -> None:
    page, portal, claims = ph.page, stack["portal"], stack["claims"]
    await page.goto(f"{portal}/")
    await page.wait_for_url(re.compile(r"/m/login"))
    await expect(page.get_by_text("双报到 · 共驻共建 · 为民服务")).to_be_visible()
    await ph.shot("01-sign-in")

    # A wrong code: the portal's Chinese detail, never a code or a stack.
    await page.get_by_placeholder("请输入手机号").fill(phone)
    await page.get_by_placeholder("短信验证码").fill("000000")
    await page.get_by_role("button", name="登录").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_be_visible()
    shown = await alert.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", shown) and not re.search(r"[A-Za-z]{4,}", shown), shown
    await ph.shot("02-sign-in-wrong-code")

    await ph.sms_sign_in(http, phone)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(re.compile(r"/m/member$"))
    await expect(page.get_by_text("未报到").first).to_be_visible()
    await ph.shot("03-home")

    # 报到 to the home community, with its receipt.
    await page.goto(f"{portal}/m/member/report")
    await page.get_by_placeholder("输入社区名称搜索").fill("滨湖")
    await page.get_by_text("滨湖世纪社区").click()
    await page.get_by_role("button", name="报到到「滨湖世纪社区」").click()
    await ph.toast("报到成功")
    receipt = page.locator('[data-test="receipt-home"]')
    await expect(receipt).to_contain_text("滨湖世纪社区")
    await expect(receipt).to_contain_text("回执号")
    await ph.shot("04-report")

    # The need appears among those matching me once claims has the report (via Kafka).
    async def need_listed() -> bool:
        await page.goto(f"{portal}/m/member/demands")
        await page.wait_for_load_state("networkidle")
        return await page.get_by_text("周末法律咨询进社区").count() > 0
    await eventually(need_listed, timeout=30, interval=1)
    await ph.shot("05-demands")
    await page.locator(f'[data-test="demand-{need}"]').get_by_role("button", name="我要认领").click()
    await ph.toast("认领成功")

    # The community prints the QR code; the member opens its link and checks in.
    r = await http.get(f"{claims}/demands/{need}/check-in-link", headers=staff)
    assert r.status_code == 200, r.text
    link = portal + r.json()["path"]
    assert r.json()["path"].startswith(f"/m/checkin/{need}?t=")
    # A code that is not the community's: claims refuses it, the page says why in Chinese.
    await page.goto(link.replace("?t=", "?t=x"))
    await page.get_by_role("button", name="签到").click()
    await ph.toast("签到码无效，请扫描社区张贴的二维码")
    await page.goto(link)
    await page.get_by_role("button", name="签到").click()
    await expect(page.locator('[data-test="checkin-state"]')).to_contain_text("签到，服务结束后请签退")
    await ph.shot("06-checked-in")
    two_hours_on_site(stack, member_id, need)
    await page.reload()
    await page.get_by_role("button", name="签退").click()
    await expect(page.locator('[data-test="checkin-state"]')).to_contain_text("累计 2 小时")
    await ph.shot("07-checked-out")

    # Record the service: the hours from check-in/out are offered.
    await page.get_by_role("button", name="去登记服务时长").click()
    await page.wait_for_url(re.compile(r"/m/member/claims"))
    await page.locator(f'[data-test="claim-{need}"]').get_by_role("button", name="登记服务").click()
    await expect(page.locator('[data-test="hours"] input')).to_have_value("2")
    # Typed on a Chinese keyboard: full-width digits are folded, not dropped.
    await page.locator('[data-test="hours"] input').fill("２.５")
    await expect(page.locator('[data-test="hours"] input')).to_have_value("2.5")
    await page.locator('[data-test="hours"] input').fill("２")
    await expect(page.locator('[data-test="hours"] input')).to_have_value("2")
    await page.get_by_placeholder("做了什么（选填）").fill("为 5 位居民解答法律问题")
    await page.get_by_role("button", name="提交").click()
    await ph.toast("已登记")
    await expect(page.locator(f'[data-test="claim-{need}"]')).to_contain_text("已登记，待核验")
    await ph.shot("08-claims")

    # The community verifies (the console is a later issue: through the API).
    r = await http.get(f"{claims}/claimants/{member_id}/claims", headers=auth("member", sub=member_id))
    claim_id = next(c["claim_id"] for c in r.json()["items"] if c["demand_id"] == need)
    r = await http.post(f"{claims}/demands/{need}/claims/{claim_id}/verification", headers=staff,
                        json={"approved": True})
    assert r.status_code == 200, r.text

    # The points reach the member's page (evaluation reads the verification from Kafka).
    async def points() -> float:
        r = await http.get(f"{stack['evaluation']}/holders/{member_id}/points", headers=auth("member", sub=member_id))
        return r.json()["points"] if r.status_code == 200 else 0
    earned = await eventually(points, timeout=30)
    await page.goto(f"{portal}/m/member/points")
    await expect(page.locator('[data-test="points-total"]')).to_have_text(f"{earned:g}")
    await expect(page.get_by_text("服务时长")).to_be_visible()
    await ph.shot("09-points")

    # A reload keeps the session (refresh cookie), the home page shows the points.
    await page.goto(f"{portal}/m/member")
    await expect(page.locator('[data-test="points"]')).to_have_text(f"{earned:g}")
    await ph.shot("10-home-after")

    # The access token expires while the page stays open: the next call is answered 401, the page
    # renews the token once through the refresh cookie, retries, and the person sees no break.
    async def renewed() -> bool:
        for tab in ("积分", "首页"):  # client-side navigation: the token in memory is used
            await page.get_by_role("tab", name=re.compile(tab)).click()
            await page.wait_for_load_state("networkidle")
        return ph.renewed > 0
    await eventually(renewed, timeout=ACCESS_TTL_S * 4, interval=2)
    await expect(page.locator('[data-test="points"]')).to_have_text(f"{earned:g}")
    assert re.search(r"/m/member$", page.url), page.url
    await page.goto(f"{portal}/m/notifications")
    await expect(page.get_by_role("heading").or_(page.locator(".van-nav-bar__title"))).to_contain_text("消息通知")
    await ph.shot("11-notifications")


def two_hours_on_site(stack: dict[str, str], member_id: str, demand_id: str) -> None:
    """Time passes on site: the check-in happened two hours ago."""
    with MongoClient(stack["mongodb_url"], tz_aware=True) as client:
        claims = client[stack["claims_db"]]["claims"]
        done = claims.update_one({"demand_id": demand_id, "claimant_id": member_id, "status": "claimed"},
                                 {"$set": {"checked_in_at": datetime.now(UTC) - timedelta(hours=2)}})
        assert done.modified_count == 1


async def play_resident(ph: Phone, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                        staff: dict[str, str], phone: str, member_id: str) -> None:
    page, portal, claims = ph.page, stack["portal"], stack["claims"]
    await page.goto(f"{portal}/m/login")
    await page.get_by_role("link", name="居民注册").click()
    await page.wait_for_url(re.compile(r"/m/register"))
    await ph.sms_sign_in(http, phone)
    await page.get_by_placeholder("请输入姓名").fill("李秀英")
    await page.get_by_placeholder("输入社区名称").fill("滨湖")
    await page.get_by_text("滨湖世纪社区").click()
    await ph.shot("01-register")
    await page.get_by_role("button", name="注册并登录").click()
    await page.wait_for_url(re.compile(r"/m/resident$"))
    await expect(page.get_by_text("还没有心愿")).to_be_visible()
    await ph.shot("02-home")

    # A micro-wish: posted, approved by the community, claimed and served by a member.
    await page.get_by_text("许个微心愿").click()
    await page.get_by_placeholder("如：给孙子买一套课外书").fill("给孙子买一套课外书")
    await page.get_by_role("button", name="提交心愿").click()
    await page.wait_for_url(re.compile(r"/m/resident/wishes/wish-"))
    wish = page.url.rsplit("/", 1)[-1]
    await expect(page.locator(".van-step--process")).to_contain_text("等待社区审核")
    await expect(page.get_by_text(re.compile(r"提交于 \d+/\d+ \d\d:\d\d"))).to_be_visible()  # posted_at is served
    await ph.shot("03-wish-posted")
    r = await http.post(f"{claims}/wishes/{wish}/decision", headers=staff, json={"approved": True})
    assert r.status_code == 200, r.text
    helper = auth("member", sub=member_id)
    r = await http.post(f"{claims}/wishes/{wish}/claims", headers=helper)
    assert r.status_code == 201, r.text
    claim_id = r.json()["claim_id"]
    await page.reload()
    await expect(page.locator(".van-step--process")).to_contain_text("党员已认领")
    await ph.shot("04-wish-claimed")
    r = await http.post(f"{claims}/demands/{wish}/claims/{claim_id}/fulfilment", headers=helper,
                        json={"hours": 1.5, "note": "已送到家中"})
    assert r.status_code == 200, r.text

    # Done: the resident confirms and rates it (满意吗).
    await page.reload()
    await expect(page.locator(".van-step--process")).to_contain_text("请您确认")
    await page.get_by_role("button", name="已实现，确认").click()
    await ph.toast("感谢您的确认")
    await expect(page.get_by_text("满意吗？")).to_be_visible()
    await page.locator('[data-test="rate"] .van-rate__item').nth(4).click()
    await page.get_by_placeholder("说说您的感受（选填）").fill("非常及时，谢谢党员同志")
    await page.get_by_role("button", name="提交评价").click()
    await ph.toast("感谢您的评价")
    await expect(page.get_by_text("我的评价")).to_be_visible()
    await ph.shot("05-wish-done-rated")
    r = await http.get(f"{claims}/wishes/{wish}", headers=staff)  # another resident may not read it (issue 11)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and [x["score"] for x in r.json()["ratings"]] == [5]

    # 解决了吗 (issue 14.4): the resident answers; the page then shows the answer, not the question.
    await page.locator('[data-test="answer-resolved"]').click()
    await ph.toast("感谢您的反馈")
    await expect(page.locator('[data-test="answered"]')).to_contain_text("已解决")
    await ph.shot("05b-wish-answered")

    # The message list shows each step the resident was told of (notices through Kafka to the in-app channel).
    async def told() -> bool:
        await page.goto(f"{portal}/m/notifications")
        await page.wait_for_load_state("networkidle")
        return await page.locator('[data-test="messages"]').get_by_text("您的微心愿已办结").count() > 0
    await eventually(told, timeout=60, interval=2)
    for step in ("您的微心愿已通过社区审核", "您的微心愿已被党员认领"):
        await expect(page.locator('[data-test="messages"]').get_by_text(step)).to_be_visible()
    await ph.shot("05c-messages")
    await page.locator('[data-test="messages"]').get_by_text("您的微心愿已办结").click()  # opens the wish
    await page.wait_for_url(re.compile(rf"/m/resident/wishes/{wish}$"))
    await expect(page.locator('[data-test="answered"]')).to_contain_text("已解决")

    # A suggestion, followed on its page.
    await page.goto(f"{portal}/m/resident/suggestions/new")
    await page.get_by_placeholder("如：小区路灯坏了").fill("3号楼路灯坏了")
    await page.get_by_role("button", name="提交").click()
    await ph.toast("建议已提交")
    await page.wait_for_url(re.compile(r"/m/resident/suggestions/suggestion-"))
    await expect(page.get_by_text("社区已受理")).to_be_visible()
    suggestion = page.url.rsplit("/", 1)[-1]
    # The community handles it (网下分头办): triage, a home visit, resolved; the resident follows.
    for step, body in (("triage", {"topic": "设施维修"}),
                       ("assignment", {"mode": "上门", "assignee_id": "secretary-e2e"}),
                       ("resolution", {"outcome": "resolved", "note": "物业已更换3号楼路灯"})):
        r = await http.post(f"{claims}/suggestions/{suggestion}/{step}", headers=staff, json=body)
        assert r.status_code == 200, r.text
    await page.reload()
    await expect(page.locator(".van-step--process")).to_contain_text("已办结：已解决")
    await expect(page.get_by_text("物业已更换3号楼路灯")).to_be_visible()
    await expect(page.get_by_text("办理中（上门）")).to_be_visible()
    await ph.shot("06-suggestion")
    await page.locator('[data-test="answer-partly"]').click()  # 解决了吗 on the suggestion too
    await ph.toast("感谢您的反馈")
    await expect(page.locator('[data-test="answered"]')).to_contain_text("部分解决")
    await page.goto(f"{portal}/m/resident")
    await expect(page.locator(".van-cell").filter(has_text="给孙子买一套课外书")).to_contain_text("已办结")
    await expect(page.locator(".van-cell").filter(has_text="3号楼路灯坏了")).to_contain_text("已办结")
    await ph.shot("07-home-after")
    # A resident who opens a member page lands on their own home, not on someone else's refusal.
    await page.goto(f"{portal}/m/member/points")
    await page.wait_for_url(re.compile(r"/m/resident$"))
    await expect(page.get_by_text("无权查看")).to_have_count(0)


async def play_staff(ph: Phone, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str]) -> None:
    """The community secretary is staff and a party member on one phone: the phone site points
    staff to the console and offers to sign in as the member instead."""
    page, portal, phone = ph.page, stack["portal"], new_phone()
    r = await http.post(f"{portal}/api/staff", headers=CITY_ADMIN, json={
        "username": f"sec{phone[-6:]}", "name": "王书记", "role": "community_admin", "places": [ids["home"]],
        "phone": phone})
    assert r.status_code == 201, r.text
    r = await http.post(f"{stack['registry']}/members", headers=CITY_ADMIN, json={
        "name": "王书记", "home_community_id": ids["home"], "phone": phone})
    assert r.status_code == 201, r.text
    await page.goto(f"{portal}/m/")
    await ph.sms_sign_in(http, phone)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(re.compile(r"/m/staff$"))
    await expect(page.get_by_text("社区管理员")).to_be_visible()
    await expect(page.get_by_text("以党员身份登录手机端")).to_be_visible()
    await ph.shot("01-staff")
    await page.get_by_text("以党员身份登录手机端").click()
    await page.wait_for_url(re.compile(r"/m/login\?role=member"))
