"""Input as Chinese staff type it (issue 9 points 2 and 4) on the claims service with real Kafka
and database: full-width (全角) codes folded, Chinese labels accepted for choices (codes stored),
validation problems in Chinese naming the field."""

from __future__ import annotations

from gongjian_shared.testing import auth


def full_width(text: str) -> str:
    """ASCII → its full-width form, as a Chinese input method types it ("c1" → "ｃ１")."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


async def test_labels_and_full_width_codes_are_taken_and_stored_as_codes(world):
    c = await world.community()
    resident, staff = auth("resident", c, sub="resident-boundary"), auth("community_admin", c)
    body = {"community_id": full_width(c), "category": "志愿服务", "item": "法律咨询", "capacity": 2, "kind": "需求",
            "claimant_kinds": ["党员"], "scope": "本街道", "title": "　周末法律咨询（东区），请带身份证 "}
    r = await world.client.post("/demands", json=body, headers=staff)
    assert r.status_code == 201, r.text
    demand = r.json()
    assert demand["community_id"] == c and demand["kind"] == "need" and demand["claimant_kinds"] == ["member"]
    assert demand["rules"]["scope"] == "street"
    assert demand["title"] == "周末法律咨询（东区），请带身份证"  # free text keeps its 全角 punctuation
    r = await world.client.post("/suggestions", json={"community_id": c, "title": "路灯不亮", "channel": "线下"}, headers=resident)
    assert r.status_code == 201 and r.json()["channel"] == "offline", r.text
    r = await world.client.post(f"/suggestions/{r.json()['id']}/triage", json={"topic": "设施维修", "urgency": "紧急"}, headers=staff)
    assert r.status_code == 200 and r.json()["urgency"] == "urgent", r.text


async def test_validation_problems_are_chinese(world):
    c = await world.community()
    staff = auth("community_admin", c)
    body = {"community_id": c, "category": "志愿服务", "item": "法律咨询", "title": "咨询", "capacity": 2}
    r = await world.client.post("/demands", json={**body, "kind": "工厂"}, headers=staff)
    assert r.status_code == 422 and r.json()["detail"] == "类型应为以下之一：需求、服务岗位", r.json()
    assert r.json()["errors"][0]["loc"] == ["body", "kind"] and r.json()["errors"][0]["type"] == "literal_error"
    r = await world.client.post("/demands", json={**body, "capacity": 0, "due_at": "下周五"}, headers=staff)
    assert r.status_code == 422 and "名额不能小于 1" in r.json()["detail"] and "截止时间应为日期时间" in r.json()["detail"]
    r = await world.client.post("/demands", content=b'{"title": ', headers={**staff, "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"].startswith("请求体不是有效的 JSON"), r.json()
    assert "Input should" not in r.text and "JSON decode error" not in r.text
