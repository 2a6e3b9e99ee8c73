"""Staff sign-in through OIDC: ID tokens checked against a JWKS served on 127.0.0.1.

Keys are generated here (RSA for RS256, P-256 for ES256); the provider's JWKS document is
served by a small HTTP server, as an identity provider publishes it.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from portal_helpers import CITY_ADMIN, bearer

ISSUER, CLIENT = "http://127.0.0.1/idp", "gongjian-console"


@pytest.fixture(scope="module")
def provider():
    """(keys by kid, JWKS url): one RSA and one EC key published; a third key kept secret."""
    keys = {"rsa-1": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "ec-1": ec.generate_private_key(ec.SECP256R1()),
            "rogue": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
    published = []
    for kid, algorithm in (("rsa-1", jwt.algorithms.RSAAlgorithm), ("ec-1", jwt.algorithms.ECAlgorithm)):
        jwk = json.loads(algorithm.to_jwk(keys[kid].public_key()))
        published.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256" if kid == "rsa-1" else "ES256"})
    body = json.dumps({"keys": published}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield keys, f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()


def id_token(keys, kid: str, subject: str, algorithm: str = "RS256", **changes) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": subject, "iat": now, "exp": now + 300, **changes}
    return jwt.encode(claims, keys[kid], algorithm=algorithm, headers={"kid": kid})


async def test_oidc_sign_in_checks_signature_issuer_audience_and_expiry(make_portal, city, provider):
    keys, jwks_url = provider
    async with make_portal(oidc_issuer=ISSUER, oidc_client_id=CLIENT, oidc_jwks_url=jwks_url) as (client, app):
        subject = f"idp-{uuid.uuid4().hex[:8]}"
        r = await client.post("/api/staff", headers=CITY_ADMIN, json={
            "username": f"u{subject}", "name": "区组织部", "role": "district_admin", "places": [city.ids["district"]],
            "oidc_sub": subject})
        assert r.status_code == 201, r.text
        assert (await client.get("/api/auth/oidc")).json()["enabled"] is True

        for kid, algorithm in (("rsa-1", "RS256"), ("ec-1", "ES256")):
            ok = await client.post("/api/auth/oidc", json={"id_token": id_token(keys, kid, subject, algorithm)})
            assert ok.status_code == 200, ok.text
            me = await client.get("/api/me", headers=bearer(ok.json()["access_token"]))
            assert (me.json()["role"], [p["id"] for p in me.json()["places"]]) == ("district_admin", [city.ids["district"]])

        refused = {
            "unpublished key": id_token(keys, "rogue", subject),
            "other audience": id_token(keys, "rsa-1", subject, aud="another-app"),
            "other issuer": id_token(keys, "rsa-1", subject, iss="http://127.0.0.1/evil"),
            "expired": id_token(keys, "rsa-1", subject, exp=int(time.time()) - 60),
            "symmetric": jwt.encode({"iss": ISSUER, "aud": CLIENT, "sub": subject, "iat": int(time.time()),
                                     "exp": int(time.time()) + 300}, "x" * 32, algorithm="HS256", headers={"kid": "rsa-1"}),
        }
        for why, token in refused.items():
            r = await client.post("/api/auth/oidc", json={"id_token": token})
            assert r.status_code == 401, (why, r.text)
        stranger = await client.post("/api/auth/oidc", json={"id_token": id_token(keys, "rsa-1", "nobody")})
        assert stranger.status_code == 401 and stranger.json()["code"] == "no-account"


async def test_oidc_off_by_default(portal):
    client, _ = portal
    assert (await client.get("/api/auth/oidc")).json()["enabled"] is False
    assert (await client.post("/api/auth/oidc", json={"id_token": "a.b.c.d.e.f"})).status_code == 404
