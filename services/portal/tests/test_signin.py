"""Sign-in by SMS code against a real registry: members by the phone on file, residents who
register, codes that expire, are used once and are rate-limited, refresh and sign-out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import jwt
from portal_helpers import CITY_ADMIN, bearer, last_code, new_phone, refresh_cookie, sign_in
from gongjian_portal.adapters.store import CODES
from gongjian_shared.settings import DEV_JWT_SECRET
from gongjian_shared.testing import eventually


async def test_member_signs_in_refreshes_and_signs_out(portal, city):
    client, app = portal
    member_id, phone = city.member(name="王建国")
    r = await sign_in(client, app, f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}")  # typed with prefix and dashes
    assert r.status_code == 200, r.text
    body = r.json()
    claims = jwt.decode(body["access_token"], DEV_JWT_SECRET, algorithms=["HS256"], issuer="gongjian")
    assert (claims["sub"], claims["role"], claims["places"]) == (member_id, "member", [city.ids["c1"]])
    assert 0 < claims["exp"] - claims["iat"] <= 15 * 60 and body["expires_in"] == 900
    assert body["me"]["member_id"] == member_id and body["me"]["places"][0]["name"] == "新华社区"
    cookie = r.headers["set-cookie"].lower()
    for attribute in ("httponly", "secure", "samesite=strict", "path=/api/auth"):
        assert attribute in cookie
    refresh = refresh_cookie(r)

    me = await client.get("/api/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["name"] == "王建国" and me.json()["role"] == "member"
    assert me.json()["timezone"] == "Asia/Shanghai"  # the deployment's zone, for the pages' local times

    again = await client.post("/api/auth/sign-in", json={"phone": phone, "code": last_code(app, phone)})
    assert again.status_code == 401 and again.json()["code"] == "bad-code"  # a code works once

    renewed = await client.post("/api/auth/refresh", headers={"Cookie": f"gj_refresh={refresh}"})
    assert renewed.status_code == 200 and renewed.json()["me"]["sub"] == member_id
    assert renewed.json()["me"]["timezone"] == "Asia/Shanghai"
    out = await client.post("/api/auth/sign-out", headers={"Cookie": f"gj_refresh={refresh}"})
    assert out.status_code == 204 and "gj_refresh=" in out.headers["set-cookie"]
    revoked = await client.post("/api/auth/refresh", headers={"Cookie": f"gj_refresh={refresh}"})
    assert revoked.status_code == 401 and revoked.json()["code"] == "session-expired"
    no_cookie = await client.post("/api/auth/refresh")  # never signed in here: "no session", not an error
    assert no_cookie.status_code == 204 and not no_cookie.content


async def test_expired_code_is_refused(make_portal, city):
    async with make_portal(code_ttl_s=1) as (client, app):
        _, phone = city.member()
        assert (await client.post("/api/auth/sms-code", json={"phone": phone})).status_code == 202
        doc = await app.state.runtime.db[CODES].find_one({})
        await eventually(lambda: datetime.now(UTC) > doc["expires_at"].replace(tzinfo=UTC), timeout=10)
        r = await client.post("/api/auth/sign-in", json={"phone": phone, "code": last_code(app, phone)})
        assert r.status_code == 401 and "过期" in r.json()["detail"]


async def test_wrong_tries_use_up_the_code(make_portal, city):
    async with make_portal(code_max_attempts=3) as (client, app):
        _, phone = city.member()
        await client.post("/api/auth/sms-code", json={"phone": phone})
        right = last_code(app, phone)
        wrong = "000000" if right != "000000" else "111111"
        for _ in range(3):
            assert (await client.post("/api/auth/sign-in", json={"phone": phone, "code": wrong})).status_code == 401
        r = await client.post("/api/auth/sign-in", json={"phone": phone, "code": right})
        assert r.status_code == 401  # guessing stops after the third wrong try


async def test_rate_limits_answer_429_with_retry_after(make_portal):
    async with make_portal(resend_after_s=60, codes_per_client_hour=3) as (client, app):
        first = new_phone()
        assert (await client.post("/api/auth/sms-code", json={"phone": first})).status_code == 202
        again = await client.post("/api/auth/sms-code", json={"phone": first})
        assert again.status_code == 429 and 0 < int(again.headers["retry-after"]) <= 61
        assert again.headers["content-type"].startswith("application/problem+json") and "秒后再试" in again.json()["detail"]
        assert (await client.post("/api/auth/sms-code", json={"phone": new_phone()})).status_code == 202
        blocked = await client.post("/api/auth/sms-code", json={"phone": new_phone()})  # 4th request of this client
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert "本设备" in blocked.json()["detail"]


async def test_password_limits_count_failures_per_username_and_every_try_per_client(make_portal, city):
    """OWASP account lockout: the owner's successes never lock the account; 3 failures do (a success in
    between clears them), parallel guesses included; the client limit counts every try; waits in minutes."""
    async with make_portal(password_failures_per_user=3, passwords_per_client_hour=21) as (client, _):
        async def staff(password: str) -> str:
            username = f"lock-{new_phone()}"
            made = await client.post("/api/staff", headers=CITY_ADMIN, json={
                "username": username, "name": "李书记", "role": "community_admin", "places": [city.ids["c1"]],
                "password": password})
            assert made.status_code == 201, made.text
            return username

        async def attempt(who: str, pw: str) -> httpx.Response:
            return await client.post("/api/auth/password", json={"username": who, "password": pw})
        password = "社区书记-2026!"
        owner = await staff(password)
        assert [(await attempt(owner, password)).status_code for _ in range(4)] == [200] * 4  # successes do not count
        tries = ["bad-1", "bad-2", password, "bad-3", "bad-4", password, "bad-5", "bad-6", "bad-7"]
        assert [(await attempt(owner, pw)).status_code for pw in tries] == [401, 401, 200, 401, 401, 200, 401, 401, 401]
        locked = await attempt(owner, password)
        assert locked.status_code == 429 and locked.headers["content-type"].startswith("application/problem+json")
        assert 14 * 60 < int(locked.headers["retry-after"]) <= 15 * 60
        assert "锁定" in locked.json()["detail"] and "请 15 分钟后再试" in locked.json()["detail"]

        other = await staff(password)
        burst = await asyncio.gather(*[attempt(other, f"guess-{i}") for i in range(6)])
        assert sorted(r.status_code for r in burst) == [401] * 3 + [429] * 3  # counted before the check

        assert (await attempt("nobody-here", "whatever")).status_code == 401  # the 21st try of this client
        blocked = await attempt("nobody-here", "x")
        assert blocked.status_code == 429 and 50 * 60 < int(blocked.headers["retry-after"]) <= 3600
        assert "本设备" in blocked.json()["detail"] and "分钟后再试" in blocked.json()["detail"]


async def test_a_forged_forwarded_for_does_not_make_a_new_client(make_portal):
    """Attack pass (issue 11): behind a proxy the portal counted the first X-Forwarded-For entry,
    which the client writes itself; a new one per request escaped the per-client limit."""
    async with make_portal(resend_after_s=60, codes_per_client_hour=2, trust_forwarded_for=True) as (client, _):
        answers = [(await client.post("/api/auth/sms-code", json={"phone": new_phone()},
                                      headers={"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.7"})).status_code
                   for i in range(3)]
        assert answers == [202, 202, 429]
        other = await client.post("/api/auth/sms-code", json={"phone": new_phone()},
                                  headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.8"})
        assert other.status_code == 202  # another client behind the same proxy has its own count


async def test_bad_phone_is_a_chinese_422(portal):
    client, _ = portal
    r = await client.post("/api/auth/sms-code", json={"phone": "12345"})
    assert r.status_code == 422 and "手机号" in r.json()["detail"]
    full_width = await client.post("/api/auth/sms-code", json={"phone": "１３９" + new_phone()[3:]})
    assert full_width.status_code == 202


async def test_unknown_phone_registers_as_resident(portal, city):
    client, app = portal
    phone = new_phone()
    r = await sign_in(client, app, phone)
    assert r.status_code == 404 and r.json()["code"] == "no-account"
    picker = await client.get("/api/places/communities", params={"q": "东安"})
    assert [c["name"] for c in picker.json()] == ["东安社区"] and picker.json()[0]["street"] == "向阳街道"
    reg = await client.post("/api/auth/register", json={"phone": phone, "code": last_code(app, phone), "name": "赵大妈",
                                                        "community_id": picker.json()[0]["id"]})
    assert reg.status_code == 201, reg.text
    me = reg.json()["me"]
    assert me["role"] == "resident" and me["resident_id"] and [p["id"] for p in me["places"]] == [city.ids["c2"]]
    own = await client.get("/api/registry/residents/me", headers=bearer(reg.json()["access_token"]))
    assert own.status_code == 200 and own.json()["phone"] == phone and own.json()["name"] == "赵大妈"
    twice = await sign_in(client, app, phone)
    assert twice.status_code == 200 and twice.json()["me"]["resident_id"] == me["resident_id"]


async def test_http_gateway_sender_posts_the_text(make_portal):
    """The gateway sender: JSON {phone, text} with the bearer token; a failing gateway is a 503."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received, status = [], {"code": 200}

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Authorization"], json.loads(body)))
            self.send_response(status["code"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sms"
        async with make_portal(sms_sender="http", sms_gateway_url=url, sms_gateway_token="gw-secret") as (client, _):
            phone = new_phone()
            assert (await client.post("/api/auth/sms-code", json={"phone": phone})).status_code == 202
            (authorization, body), = received
            assert authorization == "Bearer gw-secret" and body["phone"] == phone
            assert "验证码" in body["text"] and "5 分钟" in body["text"]
            status["code"] = 500
            other = new_phone()
            failed = await client.post("/api/auth/sms-code", json={"phone": other})
            assert failed.status_code == 503 and "短信发送失败" in failed.json()["detail"]
            status["code"] = 200
            assert (await client.post("/api/auth/sms-code", json={"phone": other})).status_code == 202  # no wait
    finally:
        server.shutdown()


async def test_a_deactivated_member_gets_no_new_access_token(portal, city):
    import httpx
    from portal_helpers import CITY_ADMIN

    client, app = portal
    member_id, phone = city.member(name="冯停用")
    r = await sign_in(client, app, phone)
    cookie = {"Cookie": f"gj_refresh={refresh_cookie(r)}"}
    assert (await client.post("/api/auth/refresh", headers=cookie)).status_code == 200
    gone = httpx.post(f"{city.registry}/members/{member_id}/deactivate", headers=CITY_ADMIN, json={"reason": "转出"})
    assert gone.status_code == 200, gone.text
    refused = await client.post("/api/auth/refresh", headers=cookie)
    assert refused.status_code == 401 and refused.json()["code"] == "session-expired"
    again = await sign_in(client, app, phone)
    assert again.status_code == 404 and again.json()["code"] == "no-account"
