"""Personal data at rest: AES-256-GCM for phone and ID numbers, HMAC for the person key.

Keys rotate: the vault holds every data key by id (``REGISTRY_DATA_KEYS``) and writes with the
current one (``REGISTRY_DATA_KEY_ID``). A ciphertext names its key: ``k:<key id>:`` +
base64(nonce ‖ ciphertext ‖ tag); the first format, ``v1:`` + base64(…), was written with the
single key of ``REGISTRY_DATA_KEY`` and still decrypts. Old keys stay configured until
``gongjian-registry-rekey`` (rekey.py) has rewritten every value with the current key.

The person key is an HMAC-SHA256 of the canonical ID number under a separate key, so equal
ID numbers give equal keys (duplicate detection) while the number itself cannot be read back
from it; it is not rotated (member ids derive from it). A phone also gets a blind
index (HMAC under a third key) so sign-in finds a member or resident by the phone on file
without decrypting every record.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

LEGACY = "v1"


def _aead(key_b64: str, name: str) -> AESGCM:
    key = base64.b64decode(key_b64)
    if len(key) != 32:
        raise ValueError(f"data key {name!r} must be base64 of 32 bytes")
    return AESGCM(key)


class Vault:
    """``Vault(keys, person_key, phone_key, current=...)``: ``keys`` maps key ids to base64 AES-256
    keys (or is the one key of the first format); ``current`` names the key new writes use."""

    def __init__(self, keys: dict[str, str] | str, person_key: str, phone_key: str | None = None, *,
                 current: str | None = None) -> None:
        if isinstance(keys, str):  # one key, the first format's
            keys = {LEGACY: keys}
        self._keys = {kid: _aead(k, kid) for kid, k in keys.items()}
        self.current = current or next(iter(keys))
        if self.current not in self._keys:
            raise ValueError(f"REGISTRY_DATA_KEY_ID {self.current!r} names no configured key")
        self._person_key = person_key.encode()
        self._phone_key = (phone_key or person_key + ":phone").encode()

    def encrypt(self, plain: str | None, *, context: bytes = b"") -> str | None:
        if not plain:
            return None
        nonce = os.urandom(12)
        sealed = base64.b64encode(nonce + self._keys[self.current].encrypt(nonce, plain.encode(), context)).decode()
        return f"{LEGACY}:{sealed}" if self.current == LEGACY else f"k:{self.current}:{sealed}"

    def key_of(self, token: str) -> str:
        """The id of the key a ciphertext was written with."""
        return token.split(":", 2)[1] if token.startswith("k:") else LEGACY

    def decrypt(self, token: str | None, *, context: bytes = b"") -> str | None:
        if not token:
            return None
        kid = self.key_of(token)
        if kid not in self._keys:
            raise KeyError(f"data key {kid!r} is not configured (REGISTRY_DATA_KEYS)")
        raw = base64.b64decode(token.rsplit(":", 1)[1])
        return self._keys[kid].decrypt(raw[:12], raw[12:], context).decode()

    def is_current(self, token: str | None) -> bool:
        return not token or self.key_of(token) == self.current

    def person_key(self, id_number: str) -> str:
        return hmac.new(self._person_key, id_number.encode(), hashlib.sha256).hexdigest()

    def phone_index(self, phone: str | None) -> str | None:
        """Blind index of a normalised phone (HMAC, own key): find people by phone, never store it readable."""
        return hmac.new(self._phone_key, phone.encode(), hashlib.sha256).hexdigest() if phone else None


def member_id_for(person_key: str) -> str:
    """Members with an ID number get an id derived from the person key: the primary key
    (a unique index) then rejects a second registration of the same person, also in bulk."""
    return f"member-{person_key[:24]}"
