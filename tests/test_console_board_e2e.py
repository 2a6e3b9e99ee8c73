"""The console's demand board and supervision desks in a real browser, against the real services.

Debian's headless Chromium (Playwright, 1440×900, zh-CN) plays issue 15 point 3: a community
admin sees the board (清单看板) with items in several stages and an overdue one, opens the one
waiting for verification and sends it back (退回) with a reason — the member reads the reason on the
phone (我的认领), records the service again with a photo, and the console's item shows it without reloading;
approves a micro-wish (微心愿) and rejects another with a reason (an empty reason refused) — the resident's
phone shows 已通过 / 未通过 with the reason, and the member claims the approved one on the phone; triages a
suggestion and hands it on as 代办, re-assigns one already handed on to a unit as 领办 (改派: no second
triage, which the service refuses), and answers the first (办结, 已解释答复) — the resident's phone shows
办理中（代办） and the answer; reads the supervision
ledger (督办), its overdue rectification items paged by the service, and records a joint meeting
(联席会议) with a task, which it then closes (销号). The street's staff record a quarter's inspection
(督查) of the community with a 限期整改 item; the community's own staff may not (no button, and 403)
but follow it up (跟进), and the street closes it.
The board's counts read — until the service answers; a suggestion handed to another official names no raw id.
A street's staff (community_admin over the street) land on the street's board, read 街道 and the street in
the header, list both communities' needs and publish into one of them, and see the escalated items. Forms keep
their buttons enabled and say what is missing; the supervision tab and page survive a reload (address query).
A unit admin sees none of these desks, is told the page is not for the role (and sent to 首页, not
to the mobile site), and the services answer 403 (point 5); so do a member deciding a wish or verifying a
service and a resident deciding a wish. Screenshots of each desk go to artifacts/console/ (board-*.png), the
phones' to artifacts/mobile/ (board-*.png).
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.async_api import async_playwright, expect
from pymongo import MongoClient

from gongjian_shared.localtime import add_days, today as local_today
from gongjian_shared.testing import auth, eventually, png_pixel
from test_console_e2e import ARTIFACTS, DESKTOP, Desk, city_with_unit, make_staff
from test_mobile_e2e import ARTIFACTS as PHONE_ARTIFACTS
from test_mobile_e2e import CHROMIUM, CHROMIUM_ARGS, CITY_ADMIN, PHONE, Phone, http, new_phone, stack  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(600)
UNIT = "同江市司法局"
WISH_REFUSAL = "超出微心愿金额上限，建议申请困难帮扶"
ANSWER = "路灯属市政管理，已转报市政部门，下周维修"
LONG_NOTE = "陪老人聊天、打扫卫生，" * 12 + "并约定下周再来"  # long enough to wrap many lines unclamped


async def seed(http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str], unit: str,
               secretary: str, resident_id: str, helper_phone: str) -> dict[str, str]:
    """Through the APIs: two members who claim (the second, with ``helper_phone``, has served one), four
    needs in different stages (one falls overdue), two pending wishes and a suggestion of the resident
    ``resident_id``, and two suggestions already handed to officials (another one, and the secretary, whose
    staff id is ``secretary``). Returns their ids."""
    registry, claims = stack["registry"], stack["claims"]
    staff = auth("community_admin", ids["home"], sub="e2e-secretary")
    members = []
    for name, phone in (("周建国", None), ("郑秀兰", helper_phone)):
        r = await http.post(f"{registry}/members", headers=CITY_ADMIN, json={
            "name": name, "home_community_id": ids["home"], **({"phone": phone} if phone else {})})
        assert r.status_code == 201, r.text
        members.append(r.json()["id"])
        r = await http.post(f"{registry}/members/{members[-1]}/reports", headers=CITY_ADMIN,
                            json={"community_id": ids["home"], "kind": "home"})
        assert r.status_code == 201, r.text

    async def publish(title: str, **extra) -> str | None:  # claims learns the community through Kafka
        r = await http.post(f"{claims}/demands", headers=staff, json={
            "community_id": ids["home"], "category": "志愿服务", "item": "法律咨询", "title": title, "capacity": 1,
            "due_at": str(add_days(local_today(), 20)), **extra})
        return r.json()["id"] if r.status_code == 201 else None
    made = {"open": await eventually(lambda: publish("楼道照明义务检修"), timeout=60, interval=1)}
    made["claimed"] = await publish("周末法律咨询进社区")
    made["fulfilled"] = await publish("独居老人上门探访")
    due = (datetime.now(UTC) + timedelta(seconds=25)).isoformat()
    made["overdue"] = await publish("小区消防通道清理", due_at=due, escalate_after_hours=0)
    made["member"], made["helper"], made["resident"], made["home"] = members[0], members[1], resident_id, ids["home"]
    neighbour = auth("community_admin", ids["work"], sub="e2e-neighbour")

    async def publish_next_door() -> str | None:  # another community's need, which the secretary only reads
        r = await http.post(f"{claims}/demands", headers=neighbour, json={
            "community_id": ids["work"], "category": "志愿服务", "item": "法律咨询", "title": "邻社区法律讲座", "capacity": 1})
        return r.json()["id"] if r.status_code == 201 else None
    made["next_door"] = await eventually(publish_next_door, timeout=60, interval=1)

    async def claim(need: str, member: str) -> str | None:  # claims learns the member's report through Kafka
        r = await http.post(f"{claims}/demands/{need}/claims", headers=auth("member", sub=member))
        return r.json()["claim_id"] if r.status_code == 201 else None
    await eventually(lambda: claim(made["claimed"], members[0]), timeout=60, interval=1)
    claim_id = await eventually(lambda: claim(made["fulfilled"], members[1]), timeout=60, interval=1)
    r = await http.post(f"{claims}/demands/{made['fulfilled']}/claims/{claim_id}/fulfilment",
                        headers=auth("member", sub=members[1]), json={"hours": 2, "note": LONG_NOTE})
    assert r.status_code == 200, r.text
    resident = auth("resident", ids["home"], sub=resident_id)  # the resident whose phone follows them
    r = await http.post(f"{claims}/wishes", headers=resident, json={
        "community_id": ids["home"], "title": "想要一台收音机听戏", "description": "家里老收音机坏了"})
    assert r.status_code == 201, r.text
    made["wish"] = r.json()["id"]
    r = await http.post(f"{claims}/wishes", headers=resident, json={
        "community_id": ids["home"], "title": "想要一部智能手机", "description": "方便和子女视频"})
    assert r.status_code == 201, r.text
    made["wish_rejected"] = r.json()["id"]
    r = await http.post(f"{claims}/suggestions", headers=resident, json={
        "community_id": ids["home"], "title": "3 号楼前路灯不亮", "content": "晚上出门不方便，请尽快修理"})
    assert r.status_code == 201, r.text
    made["suggestion"] = r.json()["id"]
    for title, official in (("小区健身器材损坏", "official-1"), ("垃圾分类点异味大", secretary)):
        r = await http.post(f"{claims}/suggestions", headers=resident, json={
            "community_id": ids["home"], "title": title, "content": title})
        assert r.status_code == 201, r.text
        made.setdefault("reassigned", r.json()["id"])  # the first: re-assigned in the console (改派)
        r = await http.post(f"{claims}/suggestions/{r.json()['id']}/assignment", headers=staff,
                            json={"mode": "home_visit", "assignee_id": official})
        assert r.status_code == 200, r.text
    made["secretary"], made["unit"] = secretary, unit
    return made


async def test_demand_board_and_supervision_desks(stack, http, ns):
    registry, portal = stack["registry"], stack["portal"]
    ids, unit = await city_with_unit(http, registry, UNIT)
    users = {"secretary": "binhu-board", "street": "shuangta-street", "unit": "sifaju-board"}
    secretary_id = await make_staff(http, portal, users["secretary"], "王书记", "community_admin", [ids["home"]])
    await make_staff(http, portal, users["street"], "双塔街道党工委", "community_admin", [ids["street"]])
    await make_staff(http, portal, users["unit"], "司法局管理员", "unit_admin", [unit])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    PHONE_ARTIFACTS.mkdir(parents=True, exist_ok=True)

    expect.set_options(timeout=20_000)  # a loaded machine: password hashing, lazy chunks, Kafka hops
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # The other side: the member who served and the resident who asked, each on a phone.
            phones = {who: Phone(await (await browser.new_context(**PHONE)).new_page(), portal, f"board-{who}")
                      for who in ("member", "resident")}
            resident = await phones["resident"].sign_in_by_api(http, new_phone(), register={
                "name": "李秀英", "community_id": ids["home"]})
            helper_phone = new_phone()
            made = await seed(http, stack, ids, unit, secretary_id, resident["sub"], helper_phone)
            seed_rectifications(stack, ns, ids, count=21)
            await phones["member"].sign_in_by_api(http, helper_phone)
            desks = []
            # Each lands on the desk that fits it: the community its needs, the street its communities' board,
            # the unit its own desk.
            for who, landing in (("secretary", "demands"), ("street", "board"), ("unit", "unit")):
                desk = Desk(await (await browser.new_context(**DESKTOP)).new_page(), portal, f"board-{who}")
                await desk.sign_in(users[who])
                await desk.page.wait_for_url(re.compile(rf"/console/{landing}$"))
                desks.append(desk)
            secretary, street, unit_admin = desks
            await play_board(secretary, http, stack, ids, made)
            await play_sent_back_on_phone(phones["member"], secretary, http, stack, made)
            await play_next_door(secretary, http, stack, ids, made)
            await play_wish_and_suggestion(secretary, http, stack, ids, made)
            await play_wishes_on_phones(phones, http, stack, ids, made)
            await play_supervision(secretary, http, stack, ids, unit)
            await play_inspection(street, secretary, http, stack, ids)
            await play_street(street, http, stack, ids, unit)
            await play_unit_refused(unit_admin, http, stack, ids, unit, made)
            for desk in [*desks, *phones.values()]:
                assert not desk.foreign, f"the page fetched from elsewhere: {desk.foreign[:3]}"
                assert not desk.errors, f"script errors on the page: {desk.errors}"
        finally:
            await browser.close()
            expect.set_options(timeout=5_000)


async def answer(desk: Desk, trigger, text: str, button: str, done: str) -> None:
    """Click ``trigger``, write ``text`` into the prompt it opens, confirm with ``button``, read ``done``."""
    await trigger.click()
    box = desk.page.locator(".el-message-box")
    await box.locator("input").fill(text)
    await box.get_by_role("button", name=button).click()
    await desk.message(done)


def seed_rectifications(stack: dict[str, str], ns, ids: dict[str, str], count: int) -> None:
    """Old inspections of the community, each with one overdue 限期整改 item, as claims stores them
    (an item falls overdue only after its deadline), so the ledger has more than a page of them."""
    past = datetime(2020, 3, 1, tzinfo=UTC)
    path = [ids["city"], ids["district"], ids["street"], ids["home"]]
    with MongoClient(stack["mongodb_url"], tz_aware=True) as client:
        client[ns.db("claims")]["inspections"].insert_many([{
            "_id": f"insp-seed-{i:02d}", "path": path, "community_id": ids["home"], "street_id": ids["street"],
            "status": "open", "quarter": "2020Q1", "target_kind": "community", "target_id": ids["home"],
            "target_name": "滨湖世纪社区", "inspected_at": past, "group": "", "findings": [], "version": 1,
            "items": [{"id": f"insp-seed-{i:02d}-r1", "title": f"旧账整改{i:02d}", "deadline": past + timedelta(days=i),
                       "status": "open", "overdue": True, "escalated": False, "follow_ups": []}]} for i in range(count)])


async def play_board(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                     made: dict[str, str]) -> None:
    """Stages with counts; the overdue one appears; 待核验 → the item → 退回 with a reason."""
    page, claims = desk.page, stack["claims"]
    staff = auth("community_admin", ids["home"], sub="e2e-secretary")

    async def overdue() -> bool:  # claims' scheduler marks it when its due time has passed
        r = await http.get(f"{claims}/board", params={"place_id": ids["home"], "stage": "overdue"}, headers=staff)
        return r.json()["total"] == 1
    await eventually(overdue, timeout=90, interval=1)
    # Until the service answers, the counts read — (a 0 would be a false answer).
    gate = asyncio.Event()

    async def held(route) -> None:
        await gate.wait()
        await route.continue_()
    await page.route(re.compile(r"/api/claims/board\?"), held)
    await page.get_by_role("menuitem", name="清单看板").click()
    await expect(page).to_have_url(re.compile(r"/console/board$"))
    await expect(page.locator('[data-test="stage-open"]')).to_have_text(re.compile(r"^\s*未认领\s*—\s*$"))
    gate.set()  # (the route stays: held requests go on at once from now on)
    board = page.locator('[data-test="board"]')
    await expect(board.locator(".el-table__row")).to_have_count(4)
    stages = board.locator('[data-test="stage"]')
    for label in ("未认领", "已认领", "待核验", "已逾期"):
        await expect(stages.filter(has_text=label)).to_have_count(1)
    await expect(page.locator('[data-test="stage-overdue"]')).to_contain_text("已逾期 1")
    await expect(page.locator('[data-test="stage-open"]')).to_contain_text("未认领 2")  # the overdue one too
    await desk.shot("01-board")
    await page.locator('[data-test="sort"]').click()
    await page.get_by_role("option", name="期限最近").click()
    await expect(board.locator(".el-table__row").first).to_contain_text("小区消防通道清理")

    await page.locator('[data-test="stage-fulfilled"]').click()
    await expect(board.locator(".el-table__row")).to_have_count(1)
    await board.get_by_role("link", name="独居老人上门探访").click()
    await expect(page).to_have_url(re.compile(rf"/console/demands/{made['fulfilled']}$"))
    rows = page.locator('[data-test="claims"] .el-table__row')
    note = rows.first.locator('[data-test="claim-note"]')  # a long note: two lines, the whole on hover
    await expect(note).to_have_attribute("title", LONG_NOTE)
    assert (await note.bounding_box())["height"] < 60, await note.bounding_box()
    await answer(desk, rows.first.locator('[data-test="send-back"]'), "请补充上门服务照片", "退回", "已退回")
    # Named as the member's phone names it, the reason in the state's place; the old hours no longer count.
    await expect(rows.first.locator('[data-test="claim-state"]')).to_have_text("被退回，待重新登记")
    await expect(rows.first.locator('[data-test="claim-reason"]')).to_have_text("退回原因：请补充上门服务照片")
    await expect(rows.first.locator("td").nth(2)).to_have_text("—")
    await desk.shot("02-sent-back")
    r = await http.get(f"{claims}/board", params={"place_id": ids["home"], "stage": "fulfilled"}, headers=staff)
    assert r.json()["total"] == 0, r.text


async def play_sent_back_on_phone(ph: Phone, desk: Desk, http: httpx.AsyncClient, stack: dict[str, str],
                                  made: dict[str, str]) -> None:
    """The member whose service was sent back is told why (消息通知, through Kafka), opens 我的认领 from the
    message, reads the reason and records it again with a photo; the console's item, left open, shows the
    new record without reloading."""
    page, claims, need = ph.page, stack["claims"], made["fulfilled"]
    told = page.locator('[data-test="messages"]').get_by_text("您登记的服务被社区退回：请补充上门服务照片")

    async def heard() -> bool:
        await page.goto(f"{ph.portal}/m/notifications")
        await page.wait_for_load_state("networkidle")
        return await told.count() > 0
    await eventually(heard, timeout=60, interval=1)
    await ph.shot("00-told")
    await told.click()
    await page.wait_for_url(re.compile(r"/m/member/claims$"))
    card = page.locator(f'[data-test="claim-{need}"]')
    await expect(card.locator('[data-test="claim-state"]')).to_have_text("被退回，待重新登记")
    await expect(card.locator('[data-test="sent-back"]')).to_have_text("社区退回原因：请补充上门服务照片")
    await ph.shot("01-sent-back")
    await card.get_by_role("button", name="重新登记").click()
    sheet = page.locator(".van-popup")
    await expect(sheet).to_contain_text("社区退回原因：请补充上门服务照片")  # the reason beside the form
    await page.locator('[data-test="hours"] input').fill("2")
    await page.get_by_placeholder("做了什么（选填）").fill("补充上门探访照片")
    await page.locator('[data-test="photos"] input[type=file]').set_input_files(
        files=[{"name": "visit.png", "mimeType": "image/png", "buffer": png_pixel()}])
    await ph.shot("02-record-again")
    await page.get_by_role("button", name="提交").click()
    await ph.toast("已登记，等待社区核验")
    await expect(card.locator('[data-test="claim-state"]')).to_have_text("已登记，待核验")
    await expect(card.locator('[data-test="sent-back"]')).to_have_count(0)
    await ph.shot("03-recorded-again")
    row = desk.page.locator('[data-test="claims"] .el-table__row').first
    await expect(row).to_contain_text("已登记，待核验")
    await expect(row).to_contain_text("补充上门探访照片")
    await expect(row.locator('[data-test="claim-beneficiaries"]')).to_have_text("—")  # left blank, not 0
    await expect(row.locator('[data-test="evidence-photo"]')).to_have_count(1)
    await expect(row.locator('[data-test="verify"]')).to_be_visible()
    await desk.shot("02b-recorded-again")
    member = auth("member", sub=made["helper"])
    r = await http.get(f"{claims}/claimants/{made['helper']}/claims", headers=member)
    claim = next(c for c in r.json()["items"] if c["demand_id"] == need)
    assert (claim["status"], claim["hours"], claim["note"]) == ("fulfilled", 2, "补充上门探访照片"), claim
    r = await http.get(f"{claims}/demands/{need}/evidence", headers=auth("community_admin", made["home"]))
    assert [(e["claim_id"], e["filename"]) for e in r.json()["items"]] == [(claim["claim_id"], "visit.png")], r.text
    # Verifying is the community's: the member may not approve their own service.
    r = await http.post(f"{claims}/demands/{need}/claims/{claim['claim_id']}/verification", headers=member,
                        json={"approved": True})
    assert r.status_code == 403, r.text


async def play_next_door(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                         made: dict[str, str]) -> None:
    """Another community's need: read only — no 销号 or upload, the tag says why in plain words; claims refuses too."""
    page = desk.page
    await page.goto(f"{desk.portal}/console/demands/{made['next_door']}")
    await expect(page.locator(".head")).to_contain_text("邻社区法律讲座")
    await expect(page.locator('[data-test="live"]')).to_have_text("其他社区的需求，仅可查看")
    await expect(page.locator('[data-test="close"]')).to_have_count(0)
    await expect(page.locator('[data-test="attach-closing"]')).to_have_count(0)
    # The title takes the room; the tags keep their natural width.
    title, tag = page.locator(".head .title"), page.locator('[data-test="live"]')
    assert (await title.bounding_box())["width"] > 2 * (await tag.bounding_box())["width"]
    await desk.shot("02a-next-door")
    r = await http.post(f"{stack['claims']}/demands/{made['next_door']}/closure",
                        headers=auth("community_admin", ids["home"], sub="e2e-secretary"))
    assert r.status_code == 403, r.text


async def play_wish_and_suggestion(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                                   made: dict[str, str]) -> None:
    page, claims = desk.page, stack["claims"]
    staff = auth("community_admin", ids["home"], sub="e2e-secretary")
    await page.get_by_role("menuitem", name="微心愿审核").click()
    wishes = page.locator('[data-test="wishes"]')
    await expect(wishes.locator(".el-table__row")).to_have_count(2)
    await expect(wishes).to_contain_text("想要一台收音机听戏")
    await expect(wishes).to_contain_text("待审核")
    await desk.shot("03-wishes")
    # Deciding is the community's: neither the member nor the resident may (and no reason, no refusal).
    for who in (auth("member", sub=made["helper"]), auth("resident", ids["home"], sub=made["resident"])):
        r = await http.post(f"{claims}/wishes/{made['wish']}/decision", headers=who, json={"approved": True})
        assert r.status_code == 403, r.text
    r = await http.post(f"{claims}/wishes/{made['wish_rejected']}/decision", headers=staff,
                        json={"approved": False, "reason": "  "})
    assert (r.status_code, r.json()["code"]) == (422, "reason-required"), r.text
    await wishes.locator(".el-table__row").filter(has_text="想要一台收音机听戏").locator('[data-test="approve"]').click()
    await desk.message("已通过，党员可认领")
    await expect(wishes.locator(".el-table__row")).to_have_count(1)  # the page lists those still to review
    await wishes.locator('[data-test="reject"]').click()
    box = page.locator(".el-message-box")
    await box.get_by_role("button", name="驳回").click()  # no reason: the box refuses, nothing is sent
    await expect(box).to_contain_text("驳回须说明原因")
    await box.locator("input").fill(WISH_REFUSAL)
    await box.get_by_role("button", name="驳回").click()
    await desk.message("已驳回")
    await expect(wishes.locator(".el-table__row")).to_have_count(0)
    await expect(wishes).to_contain_text("暂无待审核的微心愿")
    await page.locator('[data-test="wish-status"]').click()
    await page.get_by_role("option", name="未通过").click()
    await expect(wishes.locator(".el-table__row")).to_have_count(1)
    await expect(wishes.locator('[data-test="reject-reason"]')).to_have_text(f"未通过：{WISH_REFUSAL}")
    await desk.shot("03b-wishes-refused")
    r = await http.get(f"{claims}/wishes/{made['wish']}", headers=staff)
    assert r.json()["status"] == "open", r.text
    r = await http.get(f"{claims}/wishes/{made['wish_rejected']}", headers=staff)
    assert (r.json()["status"], r.json()["reject_reason"]) == ("rejected", WISH_REFUSAL), r.text

    await page.get_by_role("menuitem", name="意见建议").click()
    table = page.locator('[data-test="suggestions"]')
    row = table.locator(".el-table__row").filter(has_text="3 号楼前路灯不亮")
    await expect(row).to_have_count(1)
    # At 1440 px the 操作 column is on screen (the content is in the row's detail, not a column).
    box = await row.locator('[data-test="assign"]').bounding_box()
    assert box and box["x"] + box["width"] <= DESKTOP["viewport"]["width"], box
    await row.locator('[data-test="assign"]').click()
    form = page.locator('[data-test="assign-form"]')
    # 确定交办 stays enabled: without a 分类 the form says so beside the field.
    await page.locator('[data-test="assign-submit"]').click()
    await expect(form.locator(".el-form-item__error").filter(has_text="请选择分类")).to_be_visible()
    await page.locator('[data-test="topic"]').click()
    await page.get_by_role("option", name="设施维修").click()
    await form.get_by_text("代办", exact=True).click()
    # The assignee by name: a member of the community, found by typing part of the name.
    await form.locator('[data-test="assignee-kind"]').click()
    await page.get_by_role("option", name="党员", exact=True).click()
    await form.locator('[data-test="assignee"] input').fill("周建")
    await page.get_by_role("option", name="周建国").click()
    # Past days cannot be picked as the due date (the service refuses them): the previous month is all disabled.
    await form.get_by_placeholder("可不填").click()
    panel = page.locator(".el-picker-panel:visible")
    await panel.get_by_role("button", name="上个月").click()
    await expect(panel.locator("td.available")).to_have_count(0)
    await panel.get_by_role("button", name="下个月").click()
    await expect(panel.locator("td.today")).not_to_have_class(re.compile(r"\bdisabled\b"))
    await form.get_by_placeholder("可不填").fill(str(add_days(local_today(), 7)))
    await form.get_by_placeholder("可不填").press("Enter")
    await desk.shot("04-suggestion-triage")
    await page.locator('[data-test="assign-submit"]').click()
    await desk.message("已分拣并交办（代办）")
    await expect(row.locator('[data-test="mode"]')).to_have_text("代办")
    await expect(row).to_contain_text("办理中")
    await expect(row).to_contain_text("周建国")
    # Handed to another official (as the demo does): named as such, never by the raw id.
    other = table.locator(".el-table__row").filter(has_text="小区健身器材损坏")
    await expect(other).to_contain_text("其他工作人员")
    await expect(table.locator(".el-table__row").filter(has_text="垃圾分类点异味大")).to_contain_text("王书记（本人）")
    await expect(table).not_to_contain_text("official-")
    await expect(table).not_to_contain_text(made["secretary"])
    await desk.shot("05-suggestions")
    r = await http.get(f"{claims}/suggestions/{made['suggestion']}", headers=staff)
    assert (r.json()["mode"], r.json()["topic"], r.json()["status"]) == ("on_behalf", "设施维修", "assigned"), r.text
    assert (r.json()["assignee_kind"], r.json()["assignee_id"]) == ("member", made["member"]), r.text

    # 改派: one already handed on (上门, to another official) goes to the unit as 领办, without a second triage.
    await other.locator('[data-test="assign"]').filter(has_text="改派").click()
    await expect(page.locator(".el-dialog__title").filter(has_text="改派")).to_be_visible()
    await expect(page.locator('[data-test="topic"] input')).to_be_disabled()
    await form.get_by_text("领办", exact=True).click()
    await form.locator('[data-test="assignee-kind"]').click()
    await page.get_by_role("option", name="单位", exact=True).click()
    await form.locator('[data-test="assignee"]').click()
    await page.get_by_role("option", name=UNIT).click()
    await desk.shot("05b-reassign")
    await page.locator('[data-test="assign-submit"]').click()
    await desk.message("已改派（领办）")
    await expect(other.locator('[data-test="mode"]')).to_have_text("领办")
    await expect(other).to_contain_text(UNIT)
    r = await http.get(f"{claims}/suggestions/{made['reassigned']}", headers=staff)
    assert (r.json()["mode"], r.json()["assignee_kind"], r.json()["assignee_id"], r.json()["status"]) == (
        "take_charge", "unit", made["unit"], "assigned"), r.text

    # 办结答复 with its outcome: the answer is required (said beside the field), the outcome chosen.
    await row.locator('[data-test="answer"]').click()
    resolve = page.locator('[data-test="resolve-form"]')
    await page.locator('[data-test="resolve-submit"]').click()
    await expect(resolve.locator(".el-form-item__error").filter(has_text="请填写办理结果")).to_be_visible()
    await resolve.get_by_text("已解释答复", exact=True).click()
    await resolve.locator("textarea[name=resolution-note]").fill(ANSWER)
    await page.locator('[data-test="resolve-submit"]').click()
    await desk.message("已办结答复（已解释答复）")
    await expect(row.locator('[data-test="resolution"]')).to_have_text(f"已解释答复：{ANSWER}")
    await expect(table.locator(".el-loading-mask")).to_have_count(0)
    await desk.shot("05c-resolved")
    r = await http.get(f"{claims}/suggestions/{made['suggestion']}", headers=staff)
    assert (r.json()["status"], r.json()["outcome"], r.json()["resolution_note"]) == ("resolved", "explained", ANSWER)
    # Sorting and handing on are the community's: the resident who wrote it and a member are refused.
    for who in (auth("resident", ids["home"], sub=made["resident"]), auth("member", sub=made["helper"])):
        r = await http.post(f"{claims}/suggestions/{made['reassigned']}/triage", headers=who, json={"topic": "其他"})
        assert r.status_code == 403, r.text
        r = await http.post(f"{claims}/suggestions/{made['reassigned']}/assignment", headers=who, json={
            "mode": "代办", "assignee_id": made["helper"], "assignee_kind": "member"})
        assert r.status_code == 403, r.text


async def play_wishes_on_phones(phones: dict[str, Phone], http: httpx.AsyncClient, stack: dict[str, str],
                                ids: dict[str, str], made: dict[str, str]) -> None:
    """The resident's phone: 已通过 and 未通过 with the reason (on the list, the wish's page and in the messages);
    the member claims the approved wish on the phone (it reaches their list through Kafka) and the resident
    sees it claimed; the suggestion handed on and answered reads 办理中（代办） and 已办结：已解释答复 with the answer."""
    ph, portal, claims = phones["resident"], stack["portal"], stack["claims"]
    page = ph.page
    await page.goto(f"{portal}/m/resident")
    await expect(page.locator(f'[data-test="wish-{made["wish"]}"]')).to_contain_text("已通过")
    await expect(page.locator(f'[data-test="wish-{made["wish_rejected"]}"]')).to_contain_text("未通过")
    await ph.shot("01-home")
    await page.locator(f'[data-test="wish-{made["wish_rejected"]}"]').click()
    await page.wait_for_url(re.compile(rf"/m/resident/wishes/{made['wish_rejected']}$"))
    await expect(page.locator('[data-test="wish-state"]')).to_have_text("未通过")
    await expect(page.locator('[data-test="reject-reason"]')).to_contain_text(f"未通过审核，原因：{WISH_REFUSAL}")
    await expect(page.locator('[data-test="wish-again"]')).to_have_text("重新许愿")  # what the resident can do next
    await ph.shot("02-wish-refused")
    await page.goto(f"{portal}/m/resident/wishes/{made['wish']}")
    await expect(page.locator('[data-test="wish-state"]')).to_have_text("已通过")
    await expect(page.locator(".van-step--process")).to_contain_text("审核通过，等待党员认领")
    await ph.shot("03-wish-approved")

    member = phones["member"]
    card = member.page.locator(f'[data-test="demand-{made["wish"]}"]')

    async def offered() -> bool:  # claims' matching learns the approval from Kafka
        await member.page.goto(f"{portal}/m/member/demands")
        await member.page.wait_for_load_state("networkidle")
        return await card.count() > 0
    await eventually(offered, timeout=60, interval=1)
    await expect(card).to_contain_text("想要一台收音机听戏")
    await card.get_by_role("button", name="我要认领").click()
    await member.toast("认领成功")
    await member.shot("04-wish-claimed")
    r = await http.get(f"{claims}/wishes/{made['wish']}", headers=auth("community_admin", ids["home"]))
    assert [(c["claimant_id"], c["status"]) for c in r.json()["claims"]] == [(made["helper"], "claimed")], r.text
    await page.reload()
    await expect(page.locator(".van-step--process")).to_contain_text("党员已认领")

    async def told() -> bool:  # the refusal's notice, through Kafka to the in-app list
        await page.goto(f"{portal}/m/notifications")
        await page.wait_for_load_state("networkidle")
        return await page.locator('[data-test="messages"]').get_by_text(WISH_REFUSAL).count() > 0
    await eventually(told, timeout=60, interval=1)
    await expect(page.locator('[data-test="messages"]')).to_contain_text(f"您的微心愿未通过审核：{WISH_REFUSAL}")
    await ph.shot("04-messages")
    await page.goto(f"{portal}/m/resident/suggestions/{made['suggestion']}")
    await expect(page.get_by_text("办理中（代办）")).to_be_visible()
    await expect(page.locator(".van-step--process")).to_contain_text("已办结：已解释答复")
    await expect(page.locator(".van-step--process")).to_contain_text(ANSWER)
    await ph.shot("05-suggestion-answered")


async def play_supervision(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                           unit: str) -> None:
    """The ledger lists the overdue need and pages the overdue rectification items on the service; a joint
    meeting is recorded with one task for the unit, and the task is closed (销号) with its result; the 议事台账
    (GET /tasks, paged on the service) shows it done and filters it out of the open ones."""
    page, claims = desk.page, stack["claims"]
    await page.get_by_role("menuitem", name="督办与联席会议").click()
    ledger = page.locator('[data-test="ledger-demands"]')
    await expect(ledger).to_contain_text("小区消防通道清理")
    await expect(ledger).to_contain_text("已上报街道督办")
    await page.get_by_role("tab", name="逾期整改事项（21）").click()
    items = page.locator('[data-test="ledger-rectifications"] .el-table__row')
    await expect(items).to_have_count(20)
    await expect(items.first).to_contain_text("旧账整改00")  # earliest deadline first
    async with page.expect_response(lambda res: "/api/claims/supervision" in res.url and "offset=20" in res.url):
        await page.locator('[data-test="ledger-rectifications-pager"] .number').filter(has_text="2").click()
    await expect(items).to_have_count(1)
    await expect(items.first).to_contain_text("旧账整改20")
    # The tab and its page live in the address: a reload opens the same tab at the same page.
    await page.wait_for_url(re.compile(r"/console/supervision\?.*overdue_rectifications_page=2"))
    await page.reload()
    await expect(items).to_have_count(1)
    await expect(items.first).to_contain_text("旧账整改20")
    await page.locator('[data-test="new-meeting"]').click()
    form = page.locator('[data-test="meeting-form"]')
    # 登记 stays enabled: an empty form says what is missing, in Chinese, and sends nothing.
    sent: list[str] = []
    page.on("request", lambda q: sent.append(q.url) if q.method == "POST" and "/api/claims/meetings" in q.url else None)
    await page.locator('[data-test="meeting-submit"]').click()
    for missing in ("请填写会议名称", "请选择召开时间"):
        await expect(form.locator(".el-form-item__error").filter(has_text=missing)).to_be_visible()
    assert not sent, sent
    await form.locator("input[name=meeting-title]").fill("第四季度共驻共建联席会议")
    await form.get_by_placeholder("选择会议时间").fill(f"{local_today()} 09:30:00")
    await form.get_by_placeholder("选择会议时间").press("Enter")
    await form.locator("input[name=decision-0]").fill("修缮 3 号楼前路灯")
    await page.locator('[data-test="owner-0"]').click()
    await page.get_by_role("option", name=UNIT).click()
    await form.get_by_placeholder("完成期限").fill(str(add_days(local_today(), 30)))
    await form.get_by_placeholder("完成期限").press("Enter")
    await desk.shot("06-meeting-form")
    await page.locator('[data-test="meeting-submit"]').click()
    await desk.message("联席会议已登记")
    meetings = page.locator('[data-test="meetings"]')
    await expect(meetings).to_contain_text("第四季度共驻共建联席会议")
    await expect(meetings.locator('[data-test="tasks"]')).to_contain_text("修缮 3 号楼前路灯")
    await expect(meetings.locator('[data-test="tasks"]')).to_contain_text("办理中")
    await expect(meetings.locator('[data-test="tasks"]')).to_contain_text(f"单位：{UNIT}")  # by name, not id
    await desk.shot("07-supervision")
    close = meetings.locator('[data-test="tasks"]').get_by_role("button", name="销号")
    await answer(desk, close, "路灯已全部修复", "销号", "任务已销号")
    await expect(meetings.locator('[data-test="tasks"]')).to_contain_text("已销号")
    await expect(meetings.locator('[data-test="tasks"]')).to_contain_text("路灯已全部修复")
    tasks = page.locator('[data-test="task-ledger"]')  # 议事台账: GET /tasks paged, by state
    await expect(tasks).to_contain_text("路灯已全部修复")
    await expect(page.locator('[data-test="task-ledger-pager"]')).to_contain_text("共 1 条")
    async with page.expect_response(lambda res: "/api/claims/tasks" in res.url and "status=open" in res.url):
        await page.locator('[data-test="task-state"]').get_by_text("办理中").click()
    await expect(tasks).to_contain_text("暂无议定事项")
    r = await http.get(f"{claims}/tasks", params={"place_id": ids["home"]}, headers=auth("community_admin", ids["home"]))
    assert [(t["title"], t["status"]) for t in r.json()["items"]] == [("修缮 3 号楼前路灯", "done")], r.text


async def play_inspection(street: Desk, secretary: Desk, http: httpx.AsyncClient, stack: dict[str, str],
                          ids: dict[str, str]) -> None:
    """The street inspects the community; the community's own staff only read and follow up (跟进); the
    street closes the item (销号). Inspections page on the service: the seeded old ones come after."""
    page, claims = street.page, stack["claims"]
    await page.get_by_role("menuitem", name="督查整改").click()
    await page.locator('[data-test="new-inspection"]').click()
    form = page.locator('[data-test="inspection-form"]')
    await page.locator('[data-test="inspection-submit"]').click()  # enabled: the form names what is missing
    for missing in ("请选择社区", "请选择督查时间"):
        await expect(form.locator(".el-form-item__error").filter(has_text=missing)).to_be_visible()
    await page.locator('[data-test="target-community"]').click()
    await page.get_by_role("option", name="滨湖世纪社区").click()
    await form.get_by_placeholder("选择督查时间").fill(f"{local_today()} 10:00:00")
    await form.get_by_placeholder("选择督查时间").press("Enter")
    await form.locator("input[name=group]").fill("第一巡回督查组")
    await form.locator("textarea[name=findings]").fill("党员报到台账未及时更新\n微心愿公示栏信息陈旧")
    await form.locator("input[name=item-0]").fill("更新党员报到台账")
    await form.get_by_placeholder("整改期限").fill(str(add_days(local_today(), 15)))
    await form.get_by_placeholder("整改期限").press("Enter")
    await street.shot("01-inspection-form")
    await page.locator('[data-test="inspection-submit"]').click()
    await street.message("督查记录已登记")
    card = page.locator('[data-test="inspection"]').first  # the newest quarter first
    await expect(page.locator('[data-test="inspections-pager"]')).to_contain_text("共 22 条")
    await expect(card).to_contain_text("社区党组织：滨湖世纪社区")
    await expect(card).to_contain_text("微心愿公示栏信息陈旧")
    await expect(card.locator('[data-test="rectifications"]')).to_contain_text("更新党员报到台账")
    await expect(card.locator('[data-test="rectifications"]')).to_contain_text("整改中")
    await street.shot("02-inspections")
    # The street's board holds its communities' items.
    await page.get_by_role("menuitem", name="清单看板").click()
    await expect(page.locator('[data-test="stage-overdue"]')).to_contain_text("已逾期 1")

    # The community's own staff: the record is there, no 登记督查 button; the service refuses too.
    spage = secretary.page
    await spage.get_by_role("menuitem", name="督查整改").click()
    scard = spage.locator('[data-test="inspection"]').first
    await expect(scard).to_contain_text("更新党员报到台账")
    await expect(spage.locator('[data-test="new-inspection"]')).to_have_count(0)
    await expect(spage.locator('[data-test="close-item"]')).to_have_count(0)
    r = await http.post(f"{claims}/inspections", headers=auth("community_admin", ids["home"]), json={
        "target_kind": "community", "target_id": ids["home"], "inspected_at": str(local_today())})
    assert r.status_code == 403, r.text
    await answer(secretary, scard.locator('[data-test="follow-up"]'), "已逐户核对报到信息", "确定", "已登记整改进展")
    await expect(scard.locator('[data-test="rectifications"]')).to_contain_text("已逐户核对报到信息")
    await secretary.shot("08-inspections-community")

    await page.get_by_role("menuitem", name="督查整改").click()  # the street closes it after the follow-up
    await expect(card.locator('[data-test="rectifications"]')).to_contain_text("已逐户核对报到信息")
    await answer(street, card.locator('[data-test="close-item"]'), "经复查台账已更新", "确定", "整改事项已销号")
    await expect(card.locator('[data-test="rectifications"]')).to_contain_text("结果：经复查台账已更新")
    await expect(card.locator(".el-card__header")).to_contain_text("已销号")  # its only item closed: the inspection too
    await street.shot("03-inspection-closed")



async def play_street(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str], unit: str) -> None:
    """A street's staff (role community_admin, place the street): the header says 街道 and the street; the
    needs list holds both its communities' needs; it publishes into one of them (the picker offers the
    street's communities, not the street); its supervision shows the communities' escalated items; a desk
    that needs one community asks for it."""
    page, claims = desk.page, stack["claims"]
    who = page.locator('[data-test="who"]')
    await expect(who).to_contain_text("街道管理员")
    await expect(who).to_contain_text("双塔街道")
    await page.get_by_role("menuitem", name="需求清单").click()
    demands = page.locator('[data-test="demands"]')
    await expect(demands).to_contain_text("邻社区法律讲座")  # 盘溪新村第一社区's
    await expect(demands).to_contain_text("楼道照明义务检修")  # 滨湖世纪社区's
    await page.locator('[data-test="publish"]').click()
    form = page.locator('[data-test="publish-form"]')
    await form.locator('[data-test="place-picker"]').click()
    tree = page.locator(".el-tree-select__popper:visible")
    await tree.locator(".el-tree-node__content").filter(has_text="双塔街道").locator(".el-tree-node__expand-icon").click()
    await tree.get_by_text("盘溪新村第一社区（社区）", exact=True).click()
    await expect(tree).to_have_count(0)
    await page.locator('[data-test="category"]').click()
    await page.get_by_role("option", name="志愿服务").click()
    await page.locator('[data-test="item"]').click()
    await page.get_by_role("option", name="法律咨询").click()
    await form.locator("input[name=title]").fill("街道统筹：社区法律援助日")
    await desk.shot("04-street-publish")
    await page.locator('[data-test="publish-submit"]').click()
    await desk.message("已发布")
    await page.wait_for_url(re.compile(r"/console/demands/[^/]+$"))
    need = page.url.rsplit("/", 1)[-1]
    await expect(page.locator('[data-test="close"]')).to_be_visible()  # the street acts for its communities
    r = await http.get(f"{claims}/demands/{need}", headers=auth("community_admin", ids["street"]))
    assert (r.json()["community_id"], r.json()["title"]) == (ids["work"], "街道统筹：社区法律援助日"), r.text

    await page.get_by_role("menuitem", name="督办与联席会议").click()
    ledger = page.locator('[data-test="ledger-demands"]')
    await expect(ledger).to_contain_text("小区消防通道清理")
    await expect(ledger).to_contain_text("已上报街道督办")
    await desk.shot("05-street-supervision")
    await page.get_by_role("menuitem", name="党员名册").click()
    await expect(page.locator('[data-test="members"]')).to_contain_text("请先选择社区")
    # 资源清单: the street claims a unit's resource for one of its communities; 认领 with none chosen says so.
    r = await http.post(f"{claims}/resources", headers=auth("unit_admin", unit), json={
        "kind": "goods", "category": "志愿服务", "item": "法律咨询", "title": "普法宣传册两百本", "capacity": 1})
    assert r.status_code == 201, r.text
    await page.get_by_role("menuitem", name="资源清单").click()
    await page.locator('[data-test="resources"] .el-table__row').filter(has_text="普法宣传册两百本").locator(
        '[data-test="claim-resource"]').click()
    claim_form = page.locator('[data-test="claim-form"]')
    await page.locator('[data-test="claim-submit"]').click()
    await expect(claim_form.locator(".el-form-item__error").filter(has_text="请选择认领社区")).to_be_visible()
    await claim_form.locator('[data-test="place-picker"]').click()
    tree = page.locator(".el-tree-select__popper:visible")
    await tree.locator(".el-tree-node__content").filter(has_text="双塔街道").locator(".el-tree-node__expand-icon").click()
    await tree.get_by_text("滨湖世纪社区（社区）", exact=True).click()
    await page.locator('[data-test="claim-submit"]').click()
    await desk.message("已认领，已生成共建项目")
    r = await http.get(f"{claims}/resources", params={"unit_id": unit, "available_only": "false"},
                       headers=auth("unit_admin", unit))
    booklets = next(x for x in r.json()["items"] if x["title"] == "普法宣传册两百本")
    assert [c["community_id"] for c in booklets["claimed_by"]] == [ids["home"]], booklets
    # Teams are a community's: at the street the empty table says so (not "none yet").
    await page.get_by_role("menuitem", name="服务队与包保").click()
    await expect(page.locator('[data-test="teams"]')).to_contain_text("服务队属于社区：请选择一个社区查看")

async def play_unit_refused(desk: Desk, http: httpx.AsyncClient, stack: dict[str, str], ids: dict[str, str],
                            unit: str, made: dict[str, str]) -> None:
    """A unit admin: none of these desks in the menu, /board is refused, and so is every API call."""
    page, claims = desk.page, stack["claims"]
    for title in ("清单看板", "微心愿审核", "意见建议", "督办与联席会议", "督查整改"):
        await expect(page.get_by_role("menuitem", name=title)).to_have_count(0)
    await page.goto(f"{desk.portal}/console/board")
    await expect(page).to_have_url(re.compile(r"/console/forbidden$"))
    refusal = page.locator('[data-test="forbidden"]')
    await expect(refusal).to_contain_text("不属于您的角色")  # staff are not sent to the members' mobile site
    await expect(refusal).not_to_contain_text("手机端")
    await desk.shot("01-forbidden")
    await page.locator('[data-test="go-home"]').click()
    await expect(page).to_have_url(re.compile(r"/console/unit$"))  # a unit admin's own desk
    who = auth("unit_admin", unit)
    refused = [await http.get(f"{claims}/board", params={"place_id": ids["home"]}, headers=who),
               await http.post(f"{claims}/wishes/{made['wish']}/decision", headers=who, json={"approved": True}),
               await http.post(f"{claims}/suggestions/{made['suggestion']}/assignment", headers=who, json={
                   "mode": "上门", "assignee_id": unit, "assignee_kind": "unit"}),
               await http.post(f"{claims}/meetings", headers=who, json={
                   "place_id": ids["home"], "title": "越权", "held_at": str(local_today())}),
               await http.get(f"{claims}/meetings", params={"place_id": ids["home"]}, headers=who),
               await http.post(f"{claims}/inspections", headers=who, json={
                   "target_kind": "community", "target_id": ids["home"], "inspected_at": str(local_today())})]
    assert [r.status_code for r in refused] == [403] * len(refused), [(r.status_code, r.text[:80]) for r in refused]
