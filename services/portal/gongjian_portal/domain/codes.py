"""One-time SMS codes: six random digits, stored only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def keyed_hash(key: str, *parts: str) -> str:
    """HMAC-SHA256 hex of the parts: how phones and codes are keyed without keeping them."""
    return hmac.new(key.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """Refresh tokens are stored as SHA-256: a leaked database holds no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()
