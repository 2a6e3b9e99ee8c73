"""HTTP: names of members and units as the caller may read them.

Issue 13: officials read names, not ids or 张* masks, in commendation lists, evaluation results,
alerts, leaderboards and year-end sheets. Names never travel on Kafka unmasked (CONTRACTS), so a
service or a page that shows a list resolves its ids here, with the caller's own token: officials
(and a unit's admin for the unit's members) get full names of the members in their places, anyone
else the masked form. Unit names are not personal data and are always given whole.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import ConfigDict, Field

from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.requests import RequestModel
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.privacy import mask_name

from ..adapters.store import MEMBERS, PLACES, UNITS
from ..service.reporting import report_communities
from .access import READERS, is_self, is_unit_admin_of

router = APIRouter(tags=["查询 queries"])
MAX_IDS = 2000


class NamesQuery(RequestModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[str] = Field(min_length=1, max_length=MAX_IDS, title="编号列表",
                           description="党员或单位编号，至多 2000 个 (member or unit ids)")


@router.post("/names", summary="按编号查姓名/单位名 names for ids, full for those the caller may read", **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def names(body: NamesQuery, request: Request, principal: CurrentPrincipal) -> dict:
    """``{"names": {id: name}, "masked": [ids given masked]}``; ids not found are left out.

    Full member names go to: the member themself, the admin of the member's work unit, and
    officials (city/district/community) acting for a community the member belongs or reported to.
    """
    db = request.app.state.runtime.db
    ids = list(dict.fromkeys(body.ids))
    out: dict[str, str] = {}
    masked: list[str] = []
    async for unit in db[UNITS].find({"_id": {"$in": ids}}, {"name": 1}):
        out[unit["_id"]] = unit["name"]
    found = await db[MEMBERS].find({"_id": {"$in": ids}}, {"name": 1, "home_community_id": 1, "work_unit_id": 1,
                                                           "reports": 1}).to_list(None)
    communities = {c for m in found for c in report_communities(m)}
    paths = {p["_id"]: p["path"] async for p in db[PLACES].find({"_id": {"$in": list(communities)}}, {"path": 1})}

    def official_of(member: dict) -> bool:
        return principal.role in READERS and (principal.role == "city_admin" or any(
            principal.acts_for(paths.get(c)) for c in report_communities(member)))

    for member in found:
        if (is_self(principal, member["_id"]) or is_unit_admin_of(principal, member.get("work_unit_id"))
                or official_of(member)):
            out[member["_id"]] = member["name"]
        else:
            out[member["_id"]] = mask_name(member["name"])
            masked.append(member["_id"])
    return {"names": out, "masked": masked}
