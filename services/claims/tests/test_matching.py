"""Matching: demands for a member, best first (精准对接); communities short of units (就近分流)."""

from __future__ import annotations

from gongjian_shared.testing import auth, eventually


async def test_member_sees_fitting_demands_best_first(world):
    street = f"street-m-{id(world) % 1000}"
    await world.registry("registry.places.v1", "place.created", street, {
        "place_id": street, "kind": "street", "name": "匹配街道", "parent_id": world.district,
        "path": [world.city, world.district, street]})
    home, work, neighbour = [await world.community(street=street) for _ in range(3)]
    elsewhere = await world.community()
    lawyer = await world.member(home, specialties=("法律",), work=work)

    legal_home = await world.demand(home, title="法律咨询（居住地）")
    tutoring_home = await world.demand(home, item="家教辅导", title="家教（居住地）")
    legal_work = await world.demand(work, title="法律咨询（单位社区）")
    street_wide = await world.demand(neighbour, title="街道普法", scope="street")
    await world.demand(neighbour, title="只限本社区")  # not reported there: not offered
    await world.demand(elsewhere, title="别的街道")
    await world.demand(home, title="需要医疗专长", item="义诊与健康咨询", required_specialties=["医疗保健"])
    taken = await world.demand(home, title="已认领")
    assert (await world.claim(taken["id"], lawyer)).status_code == 201

    r = await world.client.get(f"/matching/members/{lawyer}/demands", headers=auth("member", sub=lawyer))
    assert r.status_code == 200
    titles = [d["title"] for d in r.json()["items"]]
    # Specialty fit first (法律), then place: home, work community, same street.
    assert titles == ["法律咨询（居住地）", "法律咨询（单位社区）", "街道普法", "家教（居住地）"], titles
    scores = [d["score"] for d in r.json()["items"]]
    assert scores == sorted(scores, reverse=True)
    assert {legal_home["id"], tutoring_home["id"], legal_work["id"], street_wide["id"]} == \
        {d["id"] for d in r.json()["items"]}
    assert (await world.client.get(f"/matching/members/{lawyer}/demands",
                                   headers=auth("member", sub="someone"))).status_code == 403


async def test_street_communities_with_few_units_come_first(world):
    street = f"street-u-{id(world) % 1000}"
    await world.registry("registry.places.v1", "place.created", street, {
        "place_id": street, "kind": "street", "name": "分流街道", "parent_id": world.district,
        "path": [world.city, world.district, street]})
    a, b, c = [await world.community(street=street, name=n) for n in ("甲社区", "乙社区", "丙社区")]
    for _ in range(3):
        await world.unit(a)
    await world.unit(b)
    moved = await world.unit(a)
    # unit.updated re-pairs a unit (tolerant reader: only the fields present change).
    await world.registry("registry.units.v1", "unit.updated", moved, {"unit_id": moved, "paired_community_id": c})
    await eventually(lambda: world.db["units"].find_one({"_id": moved, "paired_community_id": c}))

    r = await world.client.get(f"/matching/streets/{street}/communities", headers=auth("community_admin", street))
    assert r.status_code == 200, r.text
    ranked = r.json()["communities"]
    assert [(x["community_id"], x["paired_units"]) for x in ranked] == [(b, 1), (c, 1), (a, 3)] or \
        [(x["community_id"], x["paired_units"]) for x in ranked] == [(c, 1), (b, 1), (a, 3)]
    assert [x["steer_here"] for x in ranked] == [True, True, False]
    assert r.json()["suggested_community_id"] in (b, c)
    assert (await world.client.get(f"/matching/streets/{street}/communities",
                                   headers=auth("community_admin", a))).status_code == 403
