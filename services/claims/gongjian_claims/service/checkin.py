"""Check-in and check-out of a claim by the demand's QR link (扫码签到).

Each visit is check-in then check-out; the hours of the visits add up in ``checked_hours``,
which the claimant's fulfilment record (服务台账) can take as its hours. Each step is a
versioned change of the claim (adapters/journal.py): the journal is the audit of who was
where and when. No event is published: the fulfilment carries the hours that count.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem

from ..adapters import journal
from ..adapters.store import CLAIMS
from ..domain.checkin import span_hours, token_problem
from .claiming import check_claimant, view
from .common import changed_meanwhile, get_claim, get_demand


def check_token(secret: str, demand_id: str, token: str) -> None:
    """403 problem unless ``token`` is this demand's and not expired."""
    problem = token_problem(secret, demand_id, token, utc_now())
    if problem == "expired":
        raise Problem(403, "签到码已过期，请向社区索取新的签到码 (check-in link expired)", code="checkin-link-expired")
    if problem:
        raise Problem(403, "签到码无效，请扫描社区张贴的二维码 (bad check-in token)", code="bad-checkin-token")


def _conflict(detail: str, code: str) -> Problem:
    return Problem(409, detail, code=code)


async def _claim_to_check(runtime: Any, demand_id: str, claim_id: str, claimant_id: str, token: str,
                          secret: str, what: str) -> dict[str, Any]:
    check_token(secret, demand_id, token)
    await get_demand(runtime.db, demand_id)
    claim = await get_claim(runtime.db, demand_id, claim_id)
    check_claimant(claim, claimant_id, what)
    if claim["status"] != "claimed":
        raise _conflict("该认领已登记服务或已撤回，不能再签到签退 (claim is not in service)", "bad-claim-state")
    return claim


async def check_in(runtime: Any, *, demand_id: str, claim_id: str, claimant_id: str, token: str,
                   secret: str) -> dict[str, Any]:
    """Start a visit. 403 bad token / not your claim; 409 already checked in or claim not in service."""
    claim = await _claim_to_check(runtime, demand_id, claim_id, claimant_id, token, secret, "签到")
    if claim.get("checked_in_at") and not claim.get("checked_out_at"):
        raise _conflict("您已签到，服务结束后请签退 (already checked in)", "already-checked-in")
    done = await journal.change(runtime, CLAIMS, claim, {"checked_in_at": utc_now(), "checked_out_at": None,
                                                         "check_visits": claim.get("check_visits", 0) + 1})
    if done is None:
        raise changed_meanwhile()
    return view(done)


async def check_out(runtime: Any, *, demand_id: str, claim_id: str, claimant_id: str, token: str,
                    secret: str) -> dict[str, Any]:
    """End the visit: its hours are added to ``checked_hours``. 409 when not checked in."""
    claim = await _claim_to_check(runtime, demand_id, claim_id, claimant_id, token, secret, "签退")
    started = claim.get("checked_in_at")
    if not started or claim.get("checked_out_at"):
        raise _conflict("尚未签到，请先签到 (not checked in)", "not-checked-in")
    now = utc_now()
    total = round(claim.get("checked_hours", 0.0) + span_hours(started, now), 2)
    done = await journal.change(runtime, CLAIMS, claim, {"checked_out_at": now, "checked_hours": total})
    if done is None:
        raise changed_meanwhile()
    return view(done)
