"""Bulk publishing (POST /imports/demands): demands with their claims in one call, checked row
by row as the single routes check them, written by insert_many, events on Kafka, idempotent."""

from __future__ import annotations

from gongjian_shared.contracts import validate_event
from gongjian_shared.testing import auth


def _row(community: str, ref: str, capacity: int = 2, *claimants: str, **extra) -> dict:
    return {"ref": ref, "community_id": community, "category": "志愿服务", "item": "法律咨询",
            "title": f"批量需求 {ref}", "capacity": capacity,
            "claims": [{"claimant_id": m, "claimant_kind": "member"} for m in claimants], **extra}


async def test_rows_go_in_with_their_claims_bad_rows_are_reported_and_a_rerun_changes_nothing(world):
    here, other = await world.community(), await world.community()
    a, b, outsider = await world.member(here), await world.member(here), await world.member(other)
    body = {"rows": [
        _row(here, "r1", 2, a, b),
        _row(here, "r2", 1, a, b),           # one place: b's claim is refused (full)
        _row(here, "r3", 0),                 # capacity 0: a bad row
        _row(other, "r4", 1),                # a community this admin does not act for
        _row(here, "r5", 1, outsider),       # not reported to this community
        _row(here, "r1", 1),                 # the same ref twice
        _row(here, "r7", 2, a, a),           # one claimant twice
    ]}
    staff = auth("community_admin", here)
    r = await world.client.post("/imports/demands", json=body, headers=staff)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["demands"], out["existing"], out["claims"]) == (4, 0, 4)
    assert [(e["row"], e["claim"], e["code"]) for e in out["errors"]] == [
        (2, 1, "demand-full"), (3, None, "bad-row"), (4, None, "outside-your-places"), (5, 0, "not-eligible"),
        (6, None, "duplicate-ref"), (7, 1, "already-claimed")]
    assert all(e["detail"].startswith(f"第 {e['row']} 行") for e in out["errors"])

    listed = (await world.client.get("/demands", params={"place_id": here}, headers=staff)).json()["items"]
    by_ref = {d["title"].split()[-1]: d for d in listed}
    assert set(by_ref) == {"r1", "r2", "r5", "r7"}
    full = (await world.client.get(f"/demands/{by_ref['r1']['id']}", headers=staff)).json()
    assert full["slots_left"] == 0 and {c["claimant_id"] for c in full["claims"]} == {a, b}
    late = await world.claim(by_ref["r1"]["id"], await world.member(here))
    assert late.status_code == 409 and late.json()["code"] == "demand-full"  # the single path sees the seats

    ids = {d["id"] for d in listed}
    events = await world.events("claims.demands.v1", lambda es: sum(
        e["subject"] in ids and e["type"] == "gongjian.demand.claimed" for e in es) >= 4)
    mine = [e for e in events if e["subject"] in ids]
    assert sum(e["type"] == "gongjian.demand.published" for e in mine) == 4
    for e in mine:
        validate_event(e)
    pending = await world.db["journal"].count_documents({"aggregate": {"$in": sorted(ids)}, "outbox.0": {"$exists": True}})
    assert pending == 0  # published by the request itself, not left to the relay

    loads = {"claimant_id": {"$in": [a, b]}}
    assert await world.db["claimant_loads"].count_documents(loads) == 4  # a: r1, r2, r7; b: r1
    again = (await world.client.post("/imports/demands", json=body, headers=staff)).json()
    assert (again["demands"], again["existing"], again["claims"]) == (0, 4, 0)
    assert len(again["errors"]) == len(out["errors"])
    assert await world.db["claims"].count_documents({"demand_id": {"$in": sorted(ids)}}) == 4
    assert await world.db["seats"].count_documents({"pool": by_ref["r1"]["id"]}) == 2
    assert await world.db["claimant_loads"].count_documents(loads) == 4  # a re-run finds its own slots


async def test_only_officials_publish_in_bulk_and_a_bad_body_is_a_422(world):
    here = await world.community()
    r = await world.client.post("/imports/demands", json={"rows": [_row(here, "x")]},
                                headers=auth("member", sub="m-x"))
    assert r.status_code == 403
    r = await world.client.post("/imports/demands", json={"rows": []}, headers=auth("community_admin", here))
    assert r.status_code == 422 and "需求行" in r.text


async def test_a_crash_before_publishing_is_recovered_at_start_up_for_written_changes_only(world):
    from gongjian_claims.adapters import bulk_writes
    from gongjian_claims.service.demands import published_event

    here = await world.community()
    r = await world.client.post("/imports/demands", json={"rows": [_row(here, "crash")]},
                                headers=auth("community_admin", here))
    written = (await world.client.get("/demands", params={"place_id": here}, headers=auth("community_admin", here))
               ).json()["items"][0]["id"]
    assert r.json()["demands"] == 1
    doc = await world.db["demands"].find_one({"_id": written})
    ghost = {**doc, "_id": "demand-never-written"}
    kept, lost = (bulk_writes.creation("demands", d, "claims.demands.v1", published_event(d)) for d in (doc, ghost))
    await world.db["bulk_batches"].insert_one({"_id": "crashed", "staged": __import__("json").dumps(
        [[e["aggregate"], p] for e in (kept, lost) for p in e["outbox"]])})

    assert await bulk_writes.recover(world.app.state.runtime) == 1
    assert await world.db["bulk_batches"].count_documents({}) == 0
    again = kept["outbox"][0]["event"]["id"]
    events = await world.events("claims.demands.v1", lambda es: any(e["id"] == again for e in es))
    assert not [e for e in events if e["subject"] == "demand-never-written"]


async def test_a_place_someone_else_holds_refuses_the_claim_rather_than_doubling_it(world):
    from gongjian_claims.service.bulk_publish import demand_id_for

    here = await world.community()
    a = await world.member(here)
    taken = f"{demand_id_for(here, 'held')}#0"  # seat 0, taken by another claim meanwhile
    await world.db["seats"].insert_one({"_id": taken, "pool": demand_id_for(here, "held"), "seat": 0,
                                        "claim_id": "claim-someone-else", "claimant_id": "m-other"})
    out = (await world.client.post("/imports/demands", json={"rows": [_row(here, "held", 2, a)]},
                                   headers=auth("community_admin", here))).json()
    assert (out["demands"], out["claims"]) == (1, 0)
    assert [(e["row"], e["claim"], e["code"]) for e in out["errors"]] == [(1, 0, "claim-busy")]
    assert await world.db["claims"].count_documents({"demand_id": demand_id_for(here, "held")}) == 0


async def test_a_document_lost_after_its_journal_entry_is_rolled_forward_from_the_journal(world):
    from gongjian_claims.service.bulk_publish import demand_id_for

    here = await world.community()
    staff = auth("community_admin", here)
    r = await world.client.post("/imports/demands", json={"rows": [_row(here, "lost")]}, headers=staff)
    assert r.json()["demands"] == 1
    demand_id = demand_id_for(here, "lost")
    written = await world.db["demands"].find_one({"_id": demand_id})
    await world.db["demands"].delete_one({"_id": demand_id})  # a crash between the journal and the document

    again = await world.client.get(f"/demands/{demand_id}", headers=staff)
    assert again.status_code == 200 and again.json()["title"] == "批量需求 lost"
    assert await world.db["demands"].find_one({"_id": demand_id}) == written
