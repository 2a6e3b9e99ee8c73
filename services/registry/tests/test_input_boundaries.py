"""Input as Chinese staff type it (issue 9 points 2 and 4), on the real service, Kafka and database:
full-width (全角) ID numbers and phones folded before validation and the duplicate-person check,
Chinese labels accepted for choices, validation problems in Chinese. The two member cases are the
files handed over in ../shared/cases/boundaries/ (copied to tests/cases/)."""

import json
from pathlib import Path

from gongjian_registry.bootstrap import build_app
from gongjian_registry.service.members import get_member
from gongjian_shared.testing import app_client, auth
from helpers import ADMIN, small_city

CASES = Path(__file__).parent / "cases"
COMMUNITY = "qcomA4590"  # the community id the handed files name; created in each test's own city


def case(name: str) -> dict:
    return json.loads((CASES / name).read_text(encoding="utf-8").replace("<COMMUNITY_ID>", COMMUNITY))


async def city_with_case_community(client) -> None:
    await small_city(client)
    r = await client.post("/places", json={"id": COMMUNITY, "kind": "社区", "name": "幸福社区", "parent_id": "s1"}, headers=ADMIN)
    assert r.status_code == 201 and r.json()["kind"] == "community", r.text  # the label 社区 is stored as its code


async def test_full_width_id_number_is_the_same_person(ns):
    async with app_client(build_app()) as client:
        await city_with_case_community(client)
        first = await client.post("/members", json={**case("member_fullwidth_id.json"), "id_number": "110101198003151001"},
                                  headers=ADMIN)
        assert first.status_code == 201, first.text
        again = await client.post("/members", json=case("member_fullwidth_id.json"), headers=ADMIN)
        assert again.status_code == 409 and again.json()["code"] == "duplicate-person", again.text


async def test_mixed_width_phone_is_stored_as_ascii_digits(ns):
    app = build_app()
    async with app_client(app) as client:
        await city_with_case_community(client)
        r = await client.post("/members", json=case("member_mixedwidth_phone.json"), headers=ADMIN)
        assert r.status_code == 201 and r.json()["phone"] == "138****2345", r.text
        stored = await get_member(app.state.runtime.db, r.json()["id"])
        assert app.state.vault.decrypt(stored["phone_enc"]) == "13800012345"
        changed = await client.patch(f"/members/{r.json()['id']}", json={"phone": "　１３９ ０００１ ２２２２ "}, headers=ADMIN)
        assert changed.status_code == 200 and changed.json()["phone"] == "139****2222", changed.text


async def test_choices_take_the_chinese_labels_and_store_codes(ns):
    async with app_client(build_app()) as client:
        await city_with_case_community(client)
        unit = await client.post("/units", json={"name": "同江市人民法院", "kind": "机关", "paired_community_id": "ｃ２"},
                                 headers=ADMIN)
        assert unit.status_code == 201 and unit.json()["kind"] == "organ" and unit.json()["paired_community_id"] == "c2", unit.text
        body = {"name": "钱七", "home_community_id": "c1", "kind": "离退休党员", "id_number": "110101199001010058"}
        member = await client.post("/members", json=body, headers=ADMIN)
        assert member.status_code == 201 and member.json()["kind"] == "retired", member.text
        listed = await client.get("/communities/c1/members?kind=离退休党员", headers=ADMIN)
        assert listed.status_code == 200 and listed.json()["count"] == 1
        children = await client.get("/places", params={"parent_id": "　ｓ１ "}, headers=ADMIN)  # query values fold too
        assert sorted(p["id"] for p in children.json()) == sorted(["c1", COMMUNITY]), children.text
        me = auth("member", sub=member.json()["id"])
        report = await client.post(f"/members/{member.json()['id']}/reports", json={"community_id": "c1", "kind": "居住地社区报到"}, headers=me)
        assert report.status_code == 201, report.text


async def test_validation_problems_are_chinese_and_name_the_field(ns):
    async with app_client(build_app()) as client:
        await city_with_case_community(client)
        r = await client.post("/units", json={"name": "某公司", "kind": "工厂", "paired_community_id": "c1"}, headers=ADMIN)
        assert r.status_code == 422 and r.json()["detail"] == "类型应为以下之一：机关、企事业单位、社会组织、两新组织", r.json()
        assert r.json()["errors"][0]["loc"] == ["body", "kind"] and r.json()["errors"][0]["type"] == "literal_error"
        r = await client.post("/members", json={"home_community_id": "c1"}, headers=ADMIN)
        assert r.status_code == 422 and r.json()["detail"] == "姓名为必填项，不能缺少"
        r = await client.post("/members", content="{'name': '王五'}".encode(), headers={**ADMIN, "content-type": "application/json"})
        assert r.status_code == 422 and r.json()["detail"].startswith("请求体不是有效的 JSON"), r.json()
        r = await client.get("/communities/c1/members?kind=党员", headers=ADMIN)
        assert r.status_code == 422 and "类型应为以下之一：在职党员、离退休党员" in r.json()["detail"]
        assert "Input should" not in r.text
