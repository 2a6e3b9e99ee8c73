"""Evidence (佐证材料): attach photos and files to a fulfilment or a closing, list and serve them.

The bytes go to GridFS first, then the evidence document is created with its event
(``demand.evidence_attached``: ids, type, size and count, never the name or the content) in
one journal entry. A crash in between leaves only unreferenced bytes, which nobody can reach.
Limits are settings (CLAIMS_EVIDENCE_*): size, accepted types (checked on the content),
pieces per fulfilment or closing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from gongjian_shared.envelope import utc_now
from gongjian_shared.problems import Problem
from gongjian_shared.topics import CLAIMS_DEMANDS

from ..adapters import evidence_files, journal
from ..adapters.store import CLAIMS, EVIDENCE
from ..domain import evidence as rules
from .claiming import check_claimant
from .common import demand_event, get_claim, get_demand, not_found, require_acts_for

OPEN_FOR_EVIDENCE = ("claimed", "fulfilled")  # before verification: what the verifier will look at


async def attach_to_fulfilment(runtime: Any, *, demand_id: str, claim_id: str, claimant_id: str, upload: Any,
                               by: str) -> dict[str, Any]:
    """The claimant adds a piece to their fulfilment (claim claimed or fulfilled, not yet verified)."""
    demand = await get_demand(runtime.db, demand_id)
    claim = await get_claim(runtime.db, demand_id, claim_id)
    check_claimant(claim, claimant_id, "上传")
    if claim["status"] not in OPEN_FOR_EVIDENCE:
        raise Problem(409, "该认领已核验或已退领，不能再上传佐证材料 (claim is not awaiting verification)",
                      code="bad-claim-state")
    return await _attach(runtime, demand, claim_id, "fulfilment", upload, by)


async def attach_to_closing(runtime: Any, *, demand_id: str, upload: Any, by: str, acts_for: Any) -> dict[str, Any]:
    """An official of the demand's place adds a piece to its closing (销号佐证), before or after closing."""
    demand = await get_demand(runtime.db, demand_id)
    require_acts_for(acts_for, demand["path"], "上传销号佐证")
    return await _attach(runtime, demand, None, "closing", upload, by)


async def _attach(runtime: Any, demand: dict[str, Any], claim_id: str | None, purpose: str, upload: Any,
                  by: str) -> dict[str, Any]:
    db, settings = runtime.db, runtime.settings
    subject = {"demand_id": demand["_id"], "claim_id": claim_id, "purpose": purpose}
    limit = settings.evidence_per_subject
    if await db[EVIDENCE].count_documents(subject) >= limit:
        raise Problem(422, f"每项{rules.PURPOSES[purpose]}最多 {limit} 个文件 (too many files)", code="too-many-files")
    head = await upload.read(rules.SNIFF_BYTES)
    size = upload.size if upload.size is not None else len(head) + len(await upload.read())
    checked = rules.check_content(head, size, upload.content_type, allowed=tuple(settings.evidence_types),
                                  max_bytes=int(settings.evidence_max_mb * 1024 * 1024))
    if isinstance(checked, rules.Refusal):
        raise Problem(checked.status, checked.detail, code=checked.code)
    await upload.seek(0)
    evidence_id = f"ev-{uuid.uuid4().hex}"
    filename = rules.clean_filename(upload.filename, checked)
    chunk = settings.evidence_chunk_kb * 1024
    await evidence_files.store(db, evidence_id, filename, upload, chunk_size=chunk,
                               metadata={"demand_id": demand["_id"], "purpose": purpose, "content_type": checked})
    doc = {"_id": evidence_id, **subject, "content_type": checked, "size": size, "filename": filename,
           "path": demand["path"], "uploaded_by": by, "uploaded_at": utc_now()}
    count = await db[EVIDENCE].count_documents(subject) + 1
    event = demand_event(demand, "demand.evidence_attached", {
        "evidence_id": evidence_id, "claim_id": claim_id, "purpose": purpose, "content_type": checked,
        "size": size, "count": count})
    try:
        await journal.create(runtime, EVIDENCE, doc, [(CLAIMS_DEMANDS, [event])])
    except BaseException:
        await evidence_files.remove(db, evidence_id, chunk_size=chunk)
        raise
    return view(doc)


def view(doc: dict[str, Any]) -> dict[str, Any]:
    keep = ("demand_id", "claim_id", "purpose", "content_type", "size", "filename", "uploaded_at")
    return {"id": doc["_id"], **{k: doc.get(k) for k in keep}, "purpose_label": rules.PURPOSES[doc["purpose"]],
            "type_label": rules.LABELS.get(doc["content_type"], doc["content_type"]),
            "url": f"/evidence/{doc['_id']}"}


async def _own_claims(db: Any, demand_id: str, claimant_id: str | None) -> set[str]:
    if not claimant_id:
        return set()
    docs = await db[CLAIMS].find({"demand_id": demand_id, "claimant_id": claimant_id}, {"_id": 1}).to_list(None)
    return {d["_id"] for d in docs}


async def listing(db: Any, *, demand_id: str, claimant_id: str | None, acts_for: Any) -> dict[str, Any]:
    """The pieces of a demand the caller may see (officials: all; a claimant: theirs and the closing's)."""
    demand = await get_demand(db, demand_id)
    official, own = acts_for(demand["path"]), await _own_claims(db, demand_id, claimant_id)
    if not official and not own:
        raise Problem(403, "只有认领人和辖区工作人员可以查看佐证材料 (only the claimant and officials)",
                      code="outside-your-places")
    docs = await db[EVIDENCE].find({"demand_id": demand_id}).sort("uploaded_at", 1).to_list(500)
    items = [view(d) for d in docs if rules.may_see(d, official=official, own_claim_ids=own)]
    return {"demand_id": demand_id, "total": len(items), "items": items}


async def open_piece(runtime: Any, *, evidence_id: str, claimant_id: str | None,
                     acts_for: Any) -> tuple[dict[str, Any], AsyncIterator[bytes]]:
    """(the piece, its bytes as a stream) if the caller may see it; 404 unknown, 403 not theirs."""
    db = runtime.db
    doc = await journal.load(db, EVIDENCE, evidence_id)
    if doc is None:
        raise not_found("佐证材料", "unknown-evidence", evidence_id)
    own = await _own_claims(db, doc["demand_id"], claimant_id)
    if not rules.may_see(doc, official=acts_for(doc["path"]), own_claim_ids=own):
        raise Problem(403, "只有认领人和辖区工作人员可以查看该佐证材料 (only the claimant and officials)",
                      code="outside-your-places")
    chunks = await evidence_files.stream(db, evidence_id, chunk_size=runtime.settings.evidence_chunk_kb * 1024)
    if chunks is None:
        raise not_found("佐证材料", "unknown-evidence", evidence_id)
    return doc, chunks
