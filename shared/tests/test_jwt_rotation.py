"""JWT signing keys rotate by key id: both keys verify during the change, an unknown or dropped kid is refused."""

from __future__ import annotations

import jwt
import pytest
from pydantic import ValidationError

from gongjian_shared.auth import decode_token, issue_token
from gongjian_shared.settings import ServiceSettings


def settings(**kw) -> ServiceSettings:
    return ServiceSettings(jwt_secret="legacy-secret-" + "x" * 20, **kw)


def test_tokens_verify_by_their_key_id_during_a_rotation():
    before = settings()
    old = issue_token(before.jwt_secret, sub="a", role="member", places=[])
    during = settings(jwt_keys={"2026-12": "new-secret-" + "y" * 24}, jwt_kid="2026-12")
    kid, secret = during.signing_key()
    new = issue_token(secret, sub="b", role="member", places=[], kid=kid)
    assert jwt.get_unverified_header(new)["kid"] == "2026-12"
    assert decode_token(during, old).sub == "a"  # issued before the rotation: still valid
    assert decode_token(during, new).sub == "b"
    with pytest.raises(jwt.PyJWTError):
        decode_token(before, new)  # an instance not yet configured refuses the unknown kid


def test_a_dropped_or_forged_key_is_refused():
    after = settings(jwt_keys={"2027-01": "newer-secret-" + "z" * 24}, jwt_kid="2027-01")
    dropped = issue_token("new-secret-" + "y" * 24, sub="b", role="member", places=[], kid="2026-12")
    forged = issue_token("guessed-" + "q" * 30, sub="c", role="city_admin", places=[], kid="2027-01")
    for token in (dropped, forged):
        with pytest.raises(jwt.PyJWTError):
            decode_token(after, token)


def test_a_verified_token_is_remembered_until_it_expires(monkeypatch):
    from gongjian_shared import auth

    keys = settings()
    token = issue_token(keys.jwt_secret, sub="m", role="member", places=["c1"], ttl_hours=1)
    checks = []
    real_decode = auth.jwt.decode
    monkeypatch.setattr(auth.jwt, "decode", lambda *a, **k: checks.append(1) or real_decode(*a, **k))
    assert decode_token(keys, token).places == ["c1"]
    assert decode_token(keys, token).sub == "m"
    assert len(checks) == 1  # the repeat was taken without checking the signature again
    with pytest.raises(ValidationError):
        decode_token(keys, token).sub = "other"  # the principal is shared by the token's requests: frozen
    later = auth.time.time() + 3601
    monkeypatch.setattr(auth.time, "time", lambda: later)

    def expired(*_a, **_k):  # PyJWT reads the real clock: stand in for it an hour on
        raise jwt.ExpiredSignatureError("Signature has expired")

    monkeypatch.setattr(auth.jwt, "decode", expired)
    with pytest.raises(jwt.ExpiredSignatureError):
        decode_token(keys, token)  # past its expiry the remembered token is checked again, and refused


def test_a_remembered_token_stops_when_its_key_is_dropped():
    during = settings(jwt_keys={"2026-12": "new-secret-" + "y" * 24}, jwt_kid="2026-12")
    kid, secret = during.signing_key()
    token = issue_token(secret, sub="b", role="member", places=[], kid=kid)
    assert decode_token(during, token).sub == "b"
    after = settings(jwt_keys={"2027-01": "newer-secret-" + "z" * 24}, jwt_kid="2027-01")
    with pytest.raises(jwt.PyJWTError):
        decode_token(after, token)
