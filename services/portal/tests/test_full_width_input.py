"""A resident's input method types full-width (全角) digits: the SMS code and phone still work
(issue 9 point 2), against the real registry, Kafka and database."""

from __future__ import annotations

from portal_helpers import last_code


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


async def test_full_width_phone_and_code_sign_in(portal, city):
    client, app = portal
    member_id, phone = city.member(name="赵全角")
    assert (await client.post("/api/auth/sms-code", json={"phone": full_width(phone)})).status_code == 202
    r = await client.post("/api/auth/sign-in", json={"phone": full_width(phone), "code": f" {full_width(last_code(app, phone))}　"})
    assert r.status_code == 200 and r.json()["me"]["member_id"] == member_id, r.text
