"""Check-in by QR link (扫码签到): the signed token a community prints, and hours from the times.

The link a community prints is ``/m/checkin/<demand id>?t=<token>``; the token is an HMAC of
the demand id, so a member can only check in where the printed code is (being at the place),
and no one can make a code for a demand without the service's key. It never expires: the
code stays on the wall for the life of the demand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

LABEL = b"gongjian-checkin-v1|"  # keeps these signatures apart from any other use of the key
MOBILE_PATH = "/m/checkin/{demand_id}?t={token}"


def link_token(secret: str, demand_id: str) -> str:
    """The token of a demand's check-in link: 22 URL-safe characters (128 bits of HMAC-SHA256)."""
    mac = hmac.new(secret.encode(), LABEL + demand_id.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def token_valid(secret: str, demand_id: str, token: str) -> bool:
    return hmac.compare_digest(link_token(secret, demand_id), token or "")


def link_path(secret: str, demand_id: str) -> str:
    return MOBILE_PATH.format(demand_id=demand_id, token=link_token(secret, demand_id))


def span_hours(start: datetime, end: datetime) -> float:
    """Hours between check-in and check-out, to 0.01 h; never negative (clock skew)."""
    return max(round((end - start).total_seconds() / 3600, 2), 0.0)
