"""Check-in by QR link (扫码签到): the signed token a community prints, and hours from the times.

The link a community prints is ``/m/checkin/<demand id>?t=<token>``; the token is an HMAC of
the demand id, so a member can only check in where the printed code is (being at the place),
and no one can make a code for a demand without the service's key. A printed code expires:
the token ends in ``.<Unix seconds>`` and the HMAC covers that time too, so it cannot be
extended; a lost or photographed code stops working at the latest then (issue 12).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

LABEL = b"gongjian-checkin-v1|"  # keeps these signatures apart from any other use of the key
MOBILE_PATH = "/m/checkin/{demand_id}?t={token}"


def link_token(secret: str, demand_id: str, expires: int | None = None) -> str:
    """The token of a demand's check-in link: 22 URL-safe characters (128 bits of HMAC-SHA256),
    then ``.<expires>`` (Unix seconds) when the link expires."""
    signed = LABEL + demand_id.encode() + (f"|{expires}".encode() if expires is not None else b"")
    mac = base64.urlsafe_b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()[:16]).decode()
    return mac.rstrip("=") + (f".{expires}" if expires is not None else "")


def token_expiry(token: str) -> int | None:
    _, dot, tail = (token or "").partition(".")
    # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() refuses.
    return int(tail) if dot and tail.isascii() and tail.isdigit() else None


def token_valid(secret: str, demand_id: str, token: str) -> bool:
    """The signature only (the demand's own, with the expiry it names); see ``token_problem``."""
    # As bytes: compare_digest refuses str with non-ASCII characters, and a token is anything typed into a URL.
    return hmac.compare_digest(link_token(secret, demand_id, token_expiry(token)).encode(), (token or "").encode())


def token_problem(secret: str, demand_id: str, token: str, now: datetime) -> str | None:
    """None for a good token, else ``"bad"`` (not this demand's, or altered) or ``"expired"``."""
    if not token_valid(secret, demand_id, token):
        return "bad"
    expires = token_expiry(token)
    return "expired" if expires is not None and now.timestamp() >= expires else None


def link_path(secret: str, demand_id: str, expires: int | None = None) -> str:
    return MOBILE_PATH.format(demand_id=demand_id, token=link_token(secret, demand_id, expires))


def span_hours(start: datetime, end: datetime) -> float:
    """Hours between check-in and check-out, to 0.01 h; never negative (clock skew)."""
    return max(round((end - start).total_seconds() / 3600, 2), 0.0)
