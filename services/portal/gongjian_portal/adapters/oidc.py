"""OIDC ID tokens of a staff identity provider, checked against its JWKS (PyJWT's PyJWKClient).

Only asymmetric algorithms are accepted (RS256, ES256): the key comes from the provider's
published JWKS, never from the token. Issuer, audience (our client id) and expiry are
required.
"""

from __future__ import annotations

import asyncio
from typing import Any

import jwt
from gongjian_shared.problems import Problem

ALGORITHMS = ["RS256", "ES256"]


class OidcVerifier:
    def __init__(self, issuer: str, client_id: str, jwks_url: str) -> None:
        self.issuer, self.client_id = issuer, client_id
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=10)

    def _verify(self, id_token: str) -> dict[str, Any]:
        key = self.jwks.get_signing_key_from_jwt(id_token)
        return jwt.decode(id_token, key.key, algorithms=ALGORITHMS, audience=self.client_id, issuer=self.issuer,
                          options={"require": ["sub", "iss", "aud", "exp", "iat"]})

    async def verify(self, id_token: str) -> dict[str, Any]:
        """The token's claims; 401 problem when the signature, issuer, audience or time is wrong."""
        try:
            return await asyncio.to_thread(self._verify, id_token)
        except jwt.PyJWKClientConnectionError as exc:
            raise Problem(503, "身份提供方暂不可用 (identity provider unreachable)", code="oidc-unavailable") from exc
        except jwt.PyJWTError as exc:
            raise Problem(401, f"统一身份认证令牌无效 (invalid ID token: {type(exc).__name__})",
                          code="bad-id-token") from exc
