"""Issue 14 point 5: rules that agree with each other — the catalogue's claimant kinds hold when a need omits them."""

from __future__ import annotations

from gongjian_claims.domain.rules import kinds_for_item
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
