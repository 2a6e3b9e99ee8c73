"""Personal data at rest: AES-256-GCM for phone and ID numbers, HMAC for the person key.

A phone also gets a blind index (HMAC under a third key) so sign-in finds a member or
resident by the phone on file without decrypting every record. The ciphertext is ``v1:`` + base64(nonce ‖ ciphertext ‖ tag). The person key is an
HMAC-SHA256 of the canonical ID number under a separate key, so equal ID numbers give
equal keys (duplicate detection) while the number itself cannot be read back from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class Vault:
    def __init__(self, data_key_b64: str, person_key: str, phone_key: str | None = None) -> None:
        key = base64.b64decode(data_key_b64)
        if len(key) != 32:
            raise ValueError("REGISTRY_DATA_KEY must be base64 of 32 bytes")
        self._aead = AESGCM(key)
        self._person_key = person_key.encode()
        self._phone_key = (phone_key or person_key + ":phone").encode()

    def encrypt(self, plain: str | None, *, context: bytes = b"") -> str | None:
        if not plain:
            return None
        nonce = os.urandom(12)
        return "v1:" + base64.b64encode(nonce + self._aead.encrypt(nonce, plain.encode(), context)).decode()

    def decrypt(self, token: str | None, *, context: bytes = b"") -> str | None:
        if not token:
            return None
        raw = base64.b64decode(token.removeprefix("v1:"))
        return self._aead.decrypt(raw[:12], raw[12:], context).decode()

    def person_key(self, id_number: str) -> str:
        return hmac.new(self._person_key, id_number.encode(), hashlib.sha256).hexdigest()

    def phone_index(self, phone: str | None) -> str | None:
        """Blind index of a normalised phone (HMAC, own key): find people by phone, never store it readable."""
        return hmac.new(self._phone_key, phone.encode(), hashlib.sha256).hexdigest() if phone else None


def member_id_for(person_key: str) -> str:
    """Members with an ID number get an id derived from the person key: the primary key
    (a unique index) then rejects a second registration of the same person, also in bulk."""
    return f"member-{person_key[:24]}"
