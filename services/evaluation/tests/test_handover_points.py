"""Issue 14 point 1 in the ledger: a released or handed-over claim earns nothing, the new claimant earns
on verification, a withdrawn demand is not counted as closed (销号) — and redelivery changes nothing."""

from __future__ import annotations

from gongjian_evaluation.testing import settle
from gongjian_shared.testing import auth


async def test_hand_over_and_withdrawal_in_points_and_stats(ns, service, feed, city):
    client, ev = service
    await feed.send("registry.places.v1", city.places())
    claims = [
        city.demand("demand.published", "dH", "c1", capacity=1, title="法律咨询", item="法律咨询"),
        city.demand("demand.claimed", "dH", "c1", claim_id="k1", claimant_id="m1", claimant_kind="member", via="claim"),
        city.demand("demand.claim_released", "dH", "c1", claim_id="k1", claimant_id="m1", claimant_kind="member",
                    released_by="official", reason="长期未联系", handed_over_to="m2"),
        city.demand("demand.claimed", "dH", "c1", claim_id="k2", claimant_id="m2", claimant_kind="member",
                    via="handover", handed_over_from="k1"),
        city.demand("demand.fulfilled", "dH", "c1", claim_id="k2", claimant_id="m2", hours=2),
        city.verified("dH", "m2", "c1", 2),
        city.demand("demand.closed", "dH", "c1", outcome="completed", verified_claims=1, participants=1,
                    total_hours=2, beneficiaries=2, closed_by="community"),
        city.demand("demand.published", "dW", "c1", capacity=2, title="义诊", item="义诊与健康咨询"),
        city.demand("demand.claimed", "dW", "c1", claim_id="k3", claimant_id="m3", claimant_kind="member", via="claim"),
        city.demand("demand.claim_released", "dW", "c1", claim_id="k3", claimant_id="m3", claimant_kind="member",
                    released_by="withdrawal", reason="活动取消"),
        city.demand("demand.closed", "dW", "c1", outcome="withdrawn", verified_claims=0, participants=0,
                    total_hours=0, beneficiaries=0, closed_by="community", reason="活动取消"),
    ]
    await feed.send("claims.demands.v1", claims)
    await feed.send("claims.demands.v1", claims)  # delivered again (a relay retry): nothing changes
    await settle(ev, len(city.PATHS) + len(claims))

    for holder, points in (("m1", 0), ("m2", 20), ("m3", 0)):
        body = (await client.get(f"/holders/{holder}/points", headers=auth("member", sub=holder))).json()
        assert body["points"] == points, (holder, body)
    assert len((await client.get("/holders/m2/points", headers=auth("member", sub="m2"))).json()["entries"]) == 1
    c1 = (await client.get("/stats/community:c1", headers=auth("city_admin"))).json()["counters"]
    assert c1["claims_released"] == 2 and c1["demands_claimed"] == 3
    assert c1["demands_closed"] == 1  # the withdrawn one was never 销号
