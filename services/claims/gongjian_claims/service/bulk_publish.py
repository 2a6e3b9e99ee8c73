"""Bulk publishing (批量发布): many demands, each with the claims already made on it, in one call.

For taking over a city's existing lists (and loading the city benchmark). Every row is
checked as the single routes would check it — the caller acts for the community, item,
specialties and rules exist, times make sense; each claim: the demand open, the claimant
eligible (kind, reported there, specialty), one claim per claimant, no more claims than
places, the claimant's max-open-claims — and what fails is reported by row number while
the other rows go in. Writes go by ``insert_many`` per collection, in the single path's
order: load slots, seats, holders and due jobs first, then journal entries with their
events, then the documents (adapters/bulk_writes.py).

Idempotent: a demand's id derives from its community and the row's ``ref``, a claim's from
its demand and place in the row, seats, holders and loads from those; a re-run of the same
rows writes and publishes nothing twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.mongo import IN_CHUNK
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..adapters import bulk_writes, inserts, jobs, projections, seats
from ..adapters.store import DEMANDS, CLAIMS, HOLDERS, LOADS, MEMBERS, SEATS, UNITS
from ..domain.demands import ALREADY, FULL, limit_refusal, precheck
from ..domain.release import idle_jobs, since_of
from ..domain.rules import Refusal, eligibility
from . import demands
from .claiming import claim_doc, claimed_event

ID_SPACE = uuid.UUID("6d1c3f0e-8a51-4f7e-9d8a-2b0c7e35a1c4")  # names bulk-published demands
BUSY = Refusal(409, "claim-busy", "认领人同时有其他认领正在写入，请重新提交本行 (claimant busy, submit the row again)")


def demand_id_for(community_id: str, ref: str) -> str:
    return "demand-" + uuid.uuid5(ID_SPACE, f"{community_id}/{ref}").hex[:12]


class Report:
    """Per-row outcome: ``{demands: new, existing, claims: new, errors: [{row, code, detail}]}``."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def bad(self, row: int, code: str, detail: str, claim: int | None = None) -> None:
        where = f"第 {row} 行" + (f"第 {claim + 1} 个认领" if claim is not None else "")
        self.errors.append({"row": row, "claim": claim, "code": code, "detail": f"{where}：{detail}"})


async def _demands(db: Any, rows: list[tuple[int, dict[str, Any]]], acts_for: Any,
                   report: Report) -> list[tuple[int, dict[str, Any], list[dict[str, Any]]]]:
    """(row, demand document, its claims as asked) for the rows that resolve; the others reported."""
    resolved: dict[Any, dict[str, Any] | Problem] = {}
    seen: set[str] = set()
    out = []
    for row, spec in rows:
        key = (spec["community_id"], spec["category"], spec["item"],
               *(repr(spec.get(k)) for k in demands.RULE_FIELDS))
        if key not in resolved:
            try:
                resolved[key] = await demands.resolve(db, spec, acts_for=acts_for)
            except Problem as problem:
                resolved[key] = problem
        try:
            if isinstance(resolved[key], Problem):
                raise resolved[key]
            doc = demands.compose(spec, resolved[key], demand_id=demand_id_for(spec["community_id"], spec["ref"]))
        except Problem as problem:
            report.bad(row, problem.code or "bad-row", problem.detail)
            continue
        if doc["_id"] in seen:
            report.bad(row, "duplicate-ref", f"行标识 {spec['ref']} 在本次提交中重复 (duplicate ref)")
            continue
        seen.add(doc["_id"])
        out.append((row, doc, spec.get("claims") or []))
    return out


async def _docs(db: Any, collection: str, ids: set[str], fields: dict[str, int] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    ordered = sorted(ids)
    for i in range(0, len(ordered), IN_CHUNK):
        for doc in await db[collection].find({"_id": {"$in": ordered[i:i + IN_CHUNK]}}, fields) \
                .to_list(None):
            found[doc["_id"]] = doc
    return found


async def _loads(db: Any, claimants: set[str]) -> dict[str, dict[int, str]]:
    """Load slots held now: claimant → {slot: claim id}."""
    held: dict[str, dict[int, str]] = {c: {} for c in claimants}
    ordered = sorted(claimants)
    for i in range(0, len(ordered), IN_CHUNK):
        for doc in await db[LOADS].find({"claimant_id": {"$in": ordered[i:i + IN_CHUNK]}}).to_list(None):
            held[doc["claimant_id"]][doc["slot"]] = doc["claim_id"]
    return held


async def _claims(db: Any, planned: list[tuple[int, dict[str, Any], list[dict[str, Any]]]],
                  report: Report) -> list[tuple[int, int, dict[str, Any]]]:
    """(row, place in row, claim document) for every claim that may go in; the others reported."""
    wanted = {kind: {c["claimant_id"] for _, _, cs in planned for c in cs if c["claimant_kind"] == kind}
              for kind in ("member", "unit")}
    docs = {"member": await _docs(db, MEMBERS, wanted["member"]), "unit": await _docs(db, UNITS, wanted["unit"])}
    held = await _loads(db, wanted["member"] | wanted["unit"])
    own = {(cid, c): s for cid, slots in held.items() for s, c in slots.items()}  # a re-run: a claim's slot
    free = dict.fromkeys(held, 0)  # lowest slot that may be free (slots are only added below)
    claimants: dict[tuple[str, str, bool], Any] = {}  # a claimant of many rows is read once
    now, out = utc_now(), []
    for row, demand, asked in planned:
        taken: set[str] = set()
        for k, ask in enumerate(asked):
            cid, kind = ask["claimant_id"], ask["claimant_kind"]
            claim_id = f"claim-{demand['_id'].removeprefix('demand-')}-{k}"
            key = (cid, kind, demand["rules"].get("scope") == "street")
            if key not in claimants:
                claimants[key] = await projections.load_claimant(db, cid, kind, doc=docs[kind].get(cid),
                                                                 with_streets=key[2])
            refusal = precheck(demand, now) or eligibility(demand, claimants[key]) or \
                (ALREADY if cid in taken else None) or (FULL if len(taken) >= demand["capacity"] else None)
            slots = held[cid]
            slot = own.get((cid, claim_id))
            limit = demand["rules"].get("max_open_claims")
            if refusal is None and slot is None:
                if limit is not None and len(slots) >= limit:
                    refusal = limit_refusal(limit)
                else:
                    while free[cid] in slots:
                        free[cid] += 1
                    slot = free[cid]
                    slots[slot], own[(cid, claim_id)] = claim_id, slot
            if refusal is not None:
                report.bad(row, refusal.code, refusal.detail, k)
                continue
            taken.add(cid)
            out.append((row, k, claim_doc(demand, claim_id, cid, kind, "claim", len(taken) - 1, f"{cid}#{slot}")))
    return out


def _load_doc(claim: dict[str, Any]) -> dict[str, Any]:
    return {"_id": claim["load_id"], "claimant_id": claim["claimant_id"], "slot": int(claim["load_id"].rsplit("#", 1)[1]),
            "claim_id": claim["_id"], "at": claim["claimed_at"]}


def _seat_doc(claim: dict[str, Any]) -> dict[str, Any]:
    return seats.seat_doc(claim["demand_id"], claim["seat"], claim["_id"], claim["claimant_id"])


def _holder_doc(claim: dict[str, Any]) -> dict[str, Any]:
    return {"_id": f"{claim['demand_id']}|{claim['claimant_id']}", "pool": claim["demand_id"],
            "holder": claim["claimant_id"], "claim_id": claim["_id"], "at": claim["claimed_at"]}


async def _keep_own(db: Any, collection: str, places: list[dict[str, Any]], claims: list[tuple[int, int, Any]],
                    report: Report) -> list[tuple[int, int, Any]]:
    """Insert the claims' places (load slots, seats, holders); a place that was there already
    is this claim's own (a re-run) or someone else's: that claim is refused (BUSY), never doubled."""
    clashed = await inserts.insert_new(db, collection, places)
    if not clashed:
        return claims
    held = await _docs(db, collection, {places[i]["_id"] for i in clashed}, {"claim_id": 1})
    lost = {i for i in clashed if held.get(places[i]["_id"], {}).get("claim_id") != places[i]["claim_id"]}
    for i in sorted(lost):
        report.bad(claims[i][0], BUSY.code, BUSY.detail, claims[i][1])
    return [c for i, c in enumerate(claims) if i not in lost]


async def publish_rows(runtime: Any, rows: list[tuple[int, dict[str, Any]]], *, acts_for: Any,
                       report: Report | None = None) -> dict[str, Any]:
    """Publish ``rows`` ((row number, spec as POST /demands takes it + ``ref`` + ``claims``)).

    Returns ``{demands, existing, claims, errors}``: demands and claims newly written, demands
    that were there already (a re-run), and one error per refused row or claim (Chinese).
    """
    db, report = runtime.db, report or Report()
    planned = await _demands(db, rows, acts_for, report)
    claims = await _claims(db, planned, report)
    by_id = {demand["_id"]: demand for _, demand, _ in planned}
    for collection, make in ((LOADS, _load_doc), (SEATS, _seat_doc), (HOLDERS, _holder_doc)):
        claims = await _keep_own(db, collection, [make(c) for _, _, c in claims], claims, report)
    docs = [c for _, _, c in claims]
    settings = runtime.settings
    await jobs.schedule(db, [j for _, demand, _ in planned for j in demands.supervision_jobs(demand)] + [
        j for c in docs for j in idle_jobs(c["_id"], since_of(c), idle_days=settings.claim_idle_days,
                                           warn_days=settings.claim_idle_warn_days, now=c["claimed_at"])])
    new = await bulk_writes.create_all(runtime, [  # demands before their claims, on Kafka too
        bulk_writes.creation(DEMANDS, {**d, "v": 0}, CLAIMS_DEMANDS, demands.published_event(d))
        for _, d, _ in planned] + [
        bulk_writes.creation(CLAIMS, {**c, "v": 0}, CLAIMS_DEMANDS, claimed_event(by_id[c["demand_id"]], c))
        for c in docs])
    new_demands = new.get(DEMANDS, 0)
    return {"demands": new_demands, "existing": len(planned) - new_demands, "claims": new.get(CLAIMS, 0),
            "errors": sorted(report.errors, key=lambda e: (e["row"], e["claim"] if e["claim"] is not None else -1))}
