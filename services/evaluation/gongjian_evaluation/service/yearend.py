"""Year-end assessment (年末综合考核), the two-way assessment report (双向考评) and commendations (表彰)."""

from __future__ import annotations

from typing import Any

from gongjian_shared.localtime import year_of

from ..adapters.store import ASSESSMENTS, CAMPAIGNS, COMMENDATIONS
from ..domain.ratings import member_metrics, member_score, stars, unit_score


def _under(state: Any, place_id: str | None, community: str | None) -> bool:
    return place_id is None or (community is not None and place_id in state.path_of(community))


async def review_grades(db: Any, year: int) -> dict[str, str]:
    docs = await db[CAMPAIGNS].find({"year": year, "status": "closed"}, {"results": 1}).to_list(None)
    return {r["reviewed_id"]: r["grade"] for d in docs for r in d.get("results", {}).values()}


async def assessments(db: Any, year: int) -> dict[str, dict[str, Any]]:
    docs = await db[ASSESSMENTS].find({"year": year}).to_list(None)
    return {d["member_id"]: d for d in docs}


async def ranked(ev: Any, place_id: str | None, year: int) -> dict[str, Any]:
    """``{weights, members, units}``: every member and unit under ``place_id`` for local calendar
    ``year``, each list ordered by score (highest first, ties by ``holder_id`` so the order is stable)
    with its competition rank over the whole list (equal scores share a rank, the next skips: 1, 1, 3).
    Rows carry masked names only; scores are computed from the projected state, so they are sorted
    here rather than in the database (nothing stores a year-end score)."""
    state, cfg = ev.state, await ev.config_for_year("year_end", year)
    criteria = await ev.config_for_year("five_star", year)
    opinions, grades = await assessments(ev.runtime.db, year), await review_grades(ev.runtime.db, year)
    members, units = [], []
    for h in state.holders.values():
        if h.kind == "member" and h.name and _under(state, place_id, h.home):
            metrics = member_metrics(state, h, year)
            opinion = opinions.get(h.id, {}).get("grade")
            rating = stars(metrics, criteria, ev.alerts.is_open("member_inactive", h.id))
            members.append({"holder_id": h.id, "name": h.name, "community_id": h.home, "metrics": metrics,
                            "stars": rating["stars"], "five_star": rating["five_star"], "assessment": opinion,
                            **member_score(metrics, opinion, cfg["member"])})
        elif h.kind == "unit" and h.name and _under(state, place_id, h.home):
            units.append({"holder_id": h.id, "name": h.name, "community_id": h.home, "review_grade": grades.get(h.id),
                          **unit_score(state, h, year, grades.get(h.id), cfg["unit"])})
    for rows in (members, units):
        rows.sort(key=lambda r: (-r["score"], r["holder_id"]))
        for i, row in enumerate(rows):  # equal scores share a rank, the next skips (1, 1, 3)
            row["rank"] = rows[i - 1]["rank"] if i and row["score"] == rows[i - 1]["score"] else i + 1
    return {"weights": cfg, "members": members, "units": units}


async def year_end(ev: Any, place_id: str | None, year: int, authorization: str | None = None) -> dict[str, Any]:
    """Whole (the Excel/PDF reports, the commendation list): ``{place_id, year, weights, members, units}``,
    every row ranked as in ``ranked``, with the names the caller (``authorization``) may read."""
    result = await ranked(ev, place_id, year)
    await ev.named(result["members"], authorization)
    await ev.named(result["units"], authorization)
    return {"place_id": place_id, "year": year, **result}


async def year_end_page(ev: Any, place_id: str | None, year: int, authorization: str | None, *, limit: int,
                        offset: int, units_offset: int) -> dict[str, Any]:
    """One page of each list (the console): ``{place_id, year, weights, total, limit, offset, members,
    units_total, units_offset, units}``: ``limit`` members from ``offset`` and ``limit`` units from
    ``units_offset``, in rank order; ``total``/``units_total`` count the whole lists. A row's ``rank``
    is its rank over the whole place (not its index on the page). Only the page's rows are named."""
    result = await ranked(ev, place_id, year)
    members = result["members"][offset:offset + limit]
    units = result["units"][units_offset:units_offset + limit]
    await ev.named(members, authorization)
    await ev.named(units, authorization)
    return {"place_id": place_id, "year": year, "weights": result["weights"], "total": len(result["members"]),
            "limit": limit, "offset": offset, "members": members, "units_total": len(result["units"]),
            "units_offset": units_offset, "units": units}


async def assessment_report(ev: Any, member_id: str, year: int) -> dict[str, Any]:
    """The community's record of a member for the member's unit (评先选优): service history and opinion."""
    state = ev.state
    holder = state.holders[member_id]
    account = state.accounts.get(member_id)
    history = [e.as_dict() for e in (account.entries if account else []) if year_of(e.earned_at) == year]
    opinion = await ev.runtime.db[ASSESSMENTS].find_one({"_id": f"{member_id}:{year}"})
    metrics = member_metrics(state, holder, year)
    return {"member_id": member_id, "name": holder.name, "year": year, "work_unit_id": holder.work_unit,
            "home_community_id": holder.home, "reported": holder.reported, "metrics": metrics,
            **stars(metrics, await ev.config_for_year("five_star", year),
                    ev.alerts.is_open("member_inactive", member_id)),
            "community_opinion": {k: opinion[k] for k in ("grade", "comment", "community_id", "by", "at")}
            if opinion else None, "service_history": history}


async def record_opinion(ev: Any, member_id: str, year: int, *, grade: str, comment: str, community_id: str,
                         by: str) -> dict[str, Any]:
    from gongjian_shared.envelope import rfc3339

    doc = {"member_id": member_id, "year": year, "grade": grade, "comment": comment, "community_id": community_id,
           "by": by, "at": rfc3339(ev.clock.now())}
    await ev.runtime.db[ASSESSMENTS].replace_one({"_id": f"{member_id}:{year}"}, {"_id": f"{member_id}:{year}", **doc},
                                                 upsert=True)
    return doc


async def publish_commendations(ev: Any, place_id: str, year: int, top: int, by: str,
                                authorization: str | None = None) -> dict[str, Any]:
    """Publish (公示) the top members and units: full names, as such public lists carry them,
    resolved with the publishing official's token."""
    from gongjian_shared.envelope import rfc3339

    result = await year_end(ev, place_id, year, authorization)
    doc = {"_id": f"{place_id}:{year}", "place_id": place_id, "year": year, "published_by": by,
           "published_at": rfc3339(ev.clock.now()),
           "members": [{k: r[k] for k in ("rank", "holder_id", "name", "score", "five_star")} for r in result["members"][:top]],
           "units": [{k: r[k] for k in ("rank", "holder_id", "name", "score", "review_grade")} for r in result["units"][:top]]}
    await ev.runtime.db[COMMENDATIONS].replace_one({"_id": doc["_id"]}, doc, upsert=True)
    return {"id": doc.pop("_id"), **doc}
