"""Lists of a place filter on the place's own level (city_id / district_id / street_id /
community_id: scalar, indexed) rather than on the ``path`` array; older demands get the
fields from a start-up migration."""

from __future__ import annotations

from gongjian_claims.service import migrations
from gongjian_shared.testing import auth


async def _listed(world, place_id: str) -> list[str]:
    r = await world.client.get("/demands", params={"place_id": place_id, "limit": 500},
                               headers=auth("city_admin"))
    assert r.status_code == 200, r.text
    return [d["id"] for d in r.json()["items"]]


async def test_each_level_lists_what_lies_under_it_newest_first(world):
    here, beside = await world.community(), await world.community()
    elsewhere = await world.community(street=world.other_street)
    first = (await world.demand(here, title="第一"))["id"]
    second = (await world.demand(beside, title="第二"))["id"]
    third = (await world.demand(elsewhere, title="第三"))["id"]

    assert await _listed(world, here) == [first]
    street = await _listed(world, world.street)
    assert second in street and first in street and third not in street
    assert street.index(second) < street.index(first)  # newest first
    assert {first, second, third} <= set(await _listed(world, world.district))
    assert {first, second, third} <= set(await _listed(world, world.city))
    assert await _listed(world, world.other_street) and third in await _listed(world, world.other_street)

    stored = await world.db["demands"].find_one({"_id": third})
    assert (stored["city_id"], stored["district_id"], stored["street_id"], stored["community_id"]) == \
        (world.city, world.district, world.other_street, elsewhere)
    indexes = {tuple(spec["key"]) for spec in (await world.db["demands"].index_information()).values()}
    assert {(("city_id", 1), ("published_at", -1)), (("street_id", 1), ("published_at", -1))} <= indexes


async def test_demands_stored_before_the_level_fields_are_backfilled_once(world):
    community = await world.community()
    old = (await world.demand(community, title="旧需求"))["id"]
    await world.db["demands"].update_one({"_id": old}, {"$unset": {"city_id": "", "district_id": "", "street_id": ""}})
    assert old not in await _listed(world, world.street)

    await world.db["migrations"].delete_one({"_id": "migration:demand_levels"})
    assert await migrations.backfill_demand_levels(world.db) >= 1
    stored = await world.db["demands"].find_one({"_id": old})
    assert (stored["city_id"], stored["district_id"], stored["street_id"]) == (world.city, world.district, world.street)
    assert old in await _listed(world, world.street)
    assert await migrations.backfill_demand_levels(world.db) == 0  # marked done: not again at the next start
