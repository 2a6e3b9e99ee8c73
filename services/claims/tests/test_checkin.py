"""Check-in by the demand's QR link (扫码签到), hours from check-in/out, and a claimant's own claims."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gongjian_claims.domain.checkin import link_token, span_hours, token_problem, token_valid
from gongjian_shared.envelope import utc_now
from gongjian_shared.testing import auth


def test_link_token_is_the_demands_own():
    token = link_token("key", "demand-1")
    assert token_valid("key", "demand-1", token) and len(token) == 22
    assert not token_valid("key", "demand-2", token)
    assert not token_valid("other-key", "demand-1", token)
    assert not token_valid("key", "demand-1", "")
    start = utc_now()
    assert span_hours(start, start + timedelta(minutes=90)) == 1.5
    assert span_hours(start + timedelta(minutes=5), start) == 0.0


def test_a_printed_code_expires_and_its_expiry_cannot_be_changed():
    token = link_token("key", "demand-1", 2_000_000_000)
    assert token.endswith(".2000000000") and token_valid("key", "demand-1", token)
    assert token_problem("key", "demand-1", token, datetime.fromtimestamp(1_999_999_999, UTC)) is None
    assert token_problem("key", "demand-1", token, datetime.fromtimestamp(2_000_000_000, UTC)) == "expired"
    extended = token.rsplit(".", 1)[0] + ".2100000000"
    assert token_problem("key", "demand-1", extended, datetime.fromtimestamp(0, UTC)) == "bad"
    assert token_problem("key", "demand-2", token, datetime.fromtimestamp(0, UTC)) == "bad"


def test_any_typed_token_is_just_bad():
    """Found by schemathesis (tests/security/test_fuzz.py): non-ASCII tokens and Unicode digits gave 500."""
    for typed in ("签到码", "abc.²", "abc.٣٤", "\U000e9a33x.12", "ｘ.１２"):
        assert token_problem("key", "demand-1", typed, datetime.fromtimestamp(0, UTC)) == "bad"


async def test_qr_image_and_expired_code(world):
    c = await world.community()
    a = await world.member(c)
    did = (await world.demand(c))["id"]
    ca = (await world.claim(did, a)).json()["claim_id"]
    link = (await world.client.get(f"/demands/{did}/check-in-link", params={"days": 1},
                                   headers=auth("community_admin", c))).json()
    assert link["url"].endswith(link["path"]) and link["url"].startswith("http")
    left = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00")) - utc_now()
    assert timedelta(hours=23) < left <= timedelta(days=1)
    qr = await world.client.get(link["qr_path"])
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/png" and qr.content.startswith(b"\x89PNG")
    # One character of the signature changed (always to another one: replacing the last character by
    # "9" left the token unchanged whenever the expiry ended in 9, one run in ten).
    first = link["token"][0]
    forged_token = ("B" if first == "A" else "A") + link["token"][1:]
    forged = await world.client.get(f"/demands/{did}/check-in-qr", params={"t": forged_token})
    assert forged.status_code == 403 and forged.json()["code"] == "bad-checkin-token"

    past = int((utc_now() - timedelta(minutes=1)).timestamp())
    old = link_token(world.app.state.settings.jwt_secret, did, past)
    r = await world.client.post(f"/demands/{did}/claims/{ca}/check-in", json={"token": old}, headers=auth("member", sub=a))
    assert r.status_code == 403 and r.json()["code"] == "checkin-link-expired" and "过期" in r.json()["detail"]
    r = await world.client.post(f"/demands/{did}/claims/{ca}/check-in", json={"token": link["token"]},
                                headers=auth("member", sub=a))
    assert r.status_code == 200


async def test_check_in_and_out_by_the_qr_link(world):
    c, other = await world.community(), await world.community()
    a, b = await world.member(c), await world.member(c)
    did = (await world.demand(c, capacity=2))["id"]
    ca = (await world.claim(did, a)).json()["claim_id"]
    member_a = auth("member", sub=a)

    # The link: officials of the place only; it carries the token the service signed.
    assert (await world.client.get(f"/demands/{did}/check-in-link", headers=member_a)).status_code == 403
    assert (await world.client.get(f"/demands/{did}/check-in-link",
                                   headers=auth("community_admin", other))).status_code == 403
    r = await world.client.get(f"/demands/{did}/check-in-link", headers=auth("community_admin", c))
    assert r.status_code == 200, r.text
    link = r.json()
    assert link["path"] == f"/m/checkin/{did}?t={link['token']}" and "." in link["token"]
    token = {"token": link["token"]}

    base = f"/demands/{did}/claims/{ca}"
    r = await world.client.post(f"{base}/check-in", json={"token": link["token"][:-1] + "x"}, headers=member_a)
    assert r.status_code == 403 and r.json()["code"] == "bad-checkin-token"
    r = await world.client.post(f"{base}/check-in", json=token, headers=auth("member", sub=b))
    assert r.status_code == 403 and r.json()["code"] == "not-your-claim"
    r = await world.client.post(f"{base}/check-out", json=token, headers=member_a)
    assert r.status_code == 409 and r.json()["code"] == "not-checked-in"
    r = await world.client.post(f"{base}/check-in", json=token, headers=member_a)
    assert r.status_code == 200 and r.json()["checked_in_at"] and r.json()["checked_out_at"] is None
    r = await world.client.post(f"{base}/check-in", json=token, headers=member_a)
    assert r.status_code == 409 and r.json()["code"] == "already-checked-in"

    # Two hours on site (the stored check-in moved back, as time would), then out: hours add up.
    await world.db["claims"].update_one({"_id": ca}, {"$set": {"checked_in_at": utc_now() - timedelta(hours=2)}})
    r = await world.client.post(f"{base}/check-out", json=token, headers=member_a)
    assert r.status_code == 200, r.text
    assert r.json()["checked_hours"] == 2.0 and r.json()["checked_out_at"]
    assert (await world.client.post(f"{base}/check-in", json=token, headers=member_a)).status_code == 200
    await world.db["claims"].update_one({"_id": ca}, {"$set": {"checked_in_at": utc_now() - timedelta(minutes=30)}})
    r = await world.client.post(f"{base}/check-out", json=token, headers=member_a)
    assert r.json()["checked_hours"] == 2.5

    # Once the service is recorded, the claim is out of service: no more check-ins.
    r = await world.client.post(f"{base}/fulfilment", json={"hours": r.json()["checked_hours"]}, headers=member_a)
    assert r.status_code == 200 and r.json()["hours"] == 2.5
    r = await world.client.post(f"{base}/check-in", json=token, headers=member_a)
    assert r.status_code == 409 and r.json()["code"] == "bad-claim-state"


async def test_a_claimant_sees_their_claims_and_officials_only_theirs(world):
    c, other = await world.community(), await world.community()
    a = await world.member(c, work=other)
    here = (await world.demand(c, title="助老送餐"))["id"]
    there = (await world.demand(other, title="楼道清扫"))["id"]
    for did in (here, there):
        assert (await world.claim(did, a)).status_code == 201

    r = await world.client.get(f"/claimants/{a}/claims", headers=auth("member", sub=a))
    assert r.status_code == 200
    mine = r.json()
    assert mine["total"] == 2
    assert {i["demand"]["title"] for i in mine["items"]} == {"助老送餐", "楼道清扫"}
    assert all(i["status"] == "claimed" and i["demand"]["status"] == "open" for i in mine["items"])

    other_member = await world.member(c)
    r = await world.client.get(f"/claimants/{a}/claims", headers=auth("member", sub=other_member))
    assert r.status_code == 403
    r = await world.client.get(f"/claimants/{a}/claims", headers=auth("resident", c, sub="r1"))
    assert r.status_code == 403
    r = await world.client.get(f"/claimants/{a}/claims", headers=auth("community_admin", c))
    assert r.status_code == 200 and [i["demand_id"] for i in r.json()["items"]] == [here]


async def test_a_resident_follows_their_own_suggestions(world):
    c = await world.community()
    resident = auth("resident", c, sub="resident-follow")
    r = await world.client.post("/suggestions", json={"community_id": c, "title": "小区路灯坏了"}, headers=resident)
    assert r.status_code == 201, r.text
    await world.client.post("/suggestions", json={"community_id": c, "title": "别人的建议"},
                            headers=auth("resident", c, sub="resident-other"))
    r = await world.client.get("/suggestions/mine", headers=resident)
    assert r.status_code == 200
    assert [(s["title"], s["status"]) for s in r.json()["items"]] == [("小区路灯坏了", "received")]
