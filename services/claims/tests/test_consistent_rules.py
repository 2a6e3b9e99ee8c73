"""Issue 14 point 5: rules that agree — the catalogue's claimant kinds, one specialty vocabulary, unknown ones refused."""

from __future__ import annotations

from gongjian_claims.domain.catalogue import seed_items
from gongjian_claims.domain.rules import kinds_for_item
from gongjian_shared.contracts import vocabulary
from gongjian_shared.localtime import add_days, today
from gongjian_shared.testing import auth


def test_kinds_for_item_keeps_the_preference_within_the_item():
    assert kinds_for_item(["member"], ["unit"]) == ["unit"]
    assert kinds_for_item(["member"], ["member", "unit"]) == ["member"]
    assert kinds_for_item(["member", "unit"], ["unit"]) == ["unit"]
    assert kinds_for_item(["member", "unit"], None) == ["member", "unit"]


async def test_unit_only_item_is_claimable_by_a_unit_when_the_need_omits_kinds(world):
    c = await world.community()
    unit, member = await world.unit(c), await world.member(c)
    need = await world.demand(c, category="资金扶持", item="社区活动经费支持", title="重阳节活动经费", capacity=1)
    assert need["claimant_kinds"] == ["unit"]
    r = await world.claim(need["id"], member)
    assert r.status_code == 403 and r.json()["reason"] == "kind-not-accepted"
    r = await world.client.post(f"/demands/{need['id']}/claims", headers=auth("unit_admin", unit))
    assert r.status_code == 201, r.text


async def test_member_only_item_refuses_a_unit_even_where_units_are_the_default(world):
    c = await world.community()
    unit, member = await world.unit(c), await world.member(c)
    staff = auth("community_admin", c)
    r = await world.client.put(f"/communities/{c}/claim-rules", json={"claimant_kinds": ["unit"]}, headers=staff)
    assert r.status_code == 200, r.text
    need = await world.demand(c, category="志愿服务", item="家教辅导", title="暑期作业辅导", capacity=2)
    assert need["claimant_kinds"] == ["member"]
    r = await world.client.post(f"/demands/{need['id']}/claims", headers=auth("unit_admin", unit))
    assert r.status_code == 403 and r.json()["reason"] == "kind-not-accepted"
    assert (await world.claim(need["id"], member)).status_code == 201
    both = await world.demand(c, category="志愿服务", item="法律咨询", title="法律咨询", capacity=2)
    assert both["claimant_kinds"] == ["unit"]  # the community's preference, which the item allows


def test_the_catalogue_speaks_the_one_specialty_vocabulary():
    named = {item["specialty"] for item in seed_items() if item["specialty"]}
    assert named <= set(vocabulary("specialties")), named - set(vocabulary("specialties"))
    assert "消防" in named


async def test_dispatch_by_fire_safety_finds_the_member_who_has_it(world):
    c = await world.community()
    firefighter = await world.member(c, specialties=("消防",))
    await world.member(c, specialties=("法律",))
    body = {"title": "冬季消防安全检查", "specialty": "消防", "count": 2, "duty_date": add_days(today(), 1).isoformat()}
    r = await world.client.post(f"/communities/{c}/dispatches", json=body, headers=auth("community_admin", c))
    assert r.status_code == 201, r.text
    assert r.json()["candidates"] == 1 and [m["member_id"] for m in r.json()["roster"]] == [firefighter]


async def test_an_unknown_specialty_is_refused_with_the_known_list(world):
    c = await world.community()
    staff = auth("community_admin", c)
    body = {"community_id": c, "category": "志愿服务", "item": "法律咨询", "title": "炼金讲座", "capacity": 1,
            "required_specialties": ["炼金"]}
    r = await world.client.post("/demands", json=body, headers=staff)
    assert r.status_code == 422 and r.json()["code"] == "unknown-specialty"
    assert "专长目录中没有：炼金" in r.json()["detail"] and "消防" in r.json()["detail"]
    duty = {"title": "炼金值守", "specialty": "炼金", "count": 1, "duty_date": add_days(today(), 1).isoformat()}
    r = await world.client.post(f"/communities/{c}/dispatches", json=duty, headers=staff)
    assert r.status_code == 422 and r.json()["code"] == "unknown-specialty"
    r = await world.client.post("/catalogue/items", json={"category": "志愿服务", "name": "炼金", "specialty": "炼金"},
                                headers=auth("city_admin"))
    assert r.status_code == 422 and r.json()["code"] == "unknown-specialty"
    r = await world.client.put(f"/communities/{c}/claim-rules", json={"required_specialties": ["炼金"]}, headers=staff)
    assert r.status_code == 422 and r.json()["code"] == "unknown-specialty"
    # A specialty the city added in the registry reaches claims with the members who have it.
    await world.member(c, specialties=("无人机航拍",))
    body.update(required_specialties=["无人机航拍"], title="无人机航拍社区全景")
    assert (await world.client.post("/demands", json=body, headers=staff)).status_code == 201
