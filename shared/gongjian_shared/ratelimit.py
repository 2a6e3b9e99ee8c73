"""Abuse limits: at most N requests per window per claimant (or author) and per client.

Fixed windows counted in MongoDB (ratecount.py: unique slot ids for small limits, an atomic
``$inc`` for large ones, batched), so every instance of a service counts into the same number
and the limit holds however many instances run (no process memory, no home-made coordination).
Windows that have ended are deleted now and then by whichever instance passes (FerretDB has
no TTL indexes). Over the limit: 429 problem+json with ``Retry-After`` (seconds to the next
window), and the request does nothing.

Limits are settings (``GONGJIAN_RATE_<NAME>``, "count/seconds", ``0/…`` switches one off).
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request

from .auth import Principal, current_principal
from .problems import Problem, problem_responses
from .ratecount import COLLECTION, counter_for

__all__ = ["COLLECTION", "RATE_LIMITED", "Limit", "client_of", "hit", "limited", "too_many", "wait_text"]


@dataclass(frozen=True)
class Limit:
    count: int
    window_s: int

    @classmethod
    @functools.lru_cache(maxsize=256)  # a setting's few texts, parsed twice per limited request otherwise
    def parse(cls, text: str) -> Limit:
        """"30/60" → 30 per 60 seconds; "0/60" → no limit."""
        count, _, window = text.partition("/")
        limit = cls(int(count), int(window or 60))
        if limit.count < 0 or limit.window_s <= 0:
            raise ValueError(f"bad rate limit {text!r}: want count/seconds")
        return limit


async def hit(db: Any, name: str, key: str, limit: Limit, now: float | None = None) -> float | None:
    """Count one request; None if within ``limit``, else the seconds until the window ends.

    Counted in batches with the other requests of the moment (ratecount.py): exact under any
    concurrency and number of instances; a refused request of a small limit is not stored.
    """
    if limit.count == 0:
        return None
    now = time.time() if now is None else now
    start = math.floor(now / limit.window_s) * limit.window_s
    ends = start + limit.window_s
    if await counter_for(db).count(f"{name}|{key}|{start}", limit.count, ends):
        return None
    return max(1.0, ends - now)


def client_of(request: Request) -> str:
    """The client's address as the service sees it (behind a proxy: configure it to pass the real one)."""
    return request.client.host if request.client else "unknown"


def limited(name: str, *, per: str = "caller") -> Any:
    """A route dependency: the ``name`` limit per caller (token ``sub``) and the client limit per address.

    The limits come from the service settings: ``rate_limits[name]`` and ``rate_limits["client"]``.
    """

    async def check(request: Request, principal: Principal = Depends(current_principal)) -> None:
        settings = request.app.state.settings
        db = request.app.state.runtime.db
        limits = settings.rate_limits
        for limit_name, key in ((name, principal.sub), ("client", client_of(request))):
            wait = await hit(db, limit_name, key, Limit.parse(limits.get(limit_name, "0/60")))
            if wait is not None:  # refused by the caller's limit: not counted for the client
                raise too_many(wait)

    return Depends(check)


def too_many(seconds: float, what: str = "操作过于频繁") -> Problem:
    """429 problem+json: ``Retry-After`` (and ``retry_after``) in whole seconds, the Chinese ``detail``
    with the wait as a person reads it ("请 15 分钟后再试")."""
    wait = max(1, math.ceil(seconds))
    return Problem(429, f"{what}，请 {wait_text(wait)}后再试 (too many requests)", code="rate-limited",
                   retry_after=wait, headers={"Retry-After": str(wait)})


def wait_text(seconds: int) -> str:
    """"45 秒" up to a minute, else whole minutes rounded up ("57 分钟"): nobody counts 3412 seconds."""
    return f"{seconds} 秒" if seconds <= 60 else f"{math.ceil(seconds / 60)} 分钟"


RATE_LIMITED = problem_responses(429)
