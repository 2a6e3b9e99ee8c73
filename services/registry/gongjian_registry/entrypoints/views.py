"""How records are shown: personal data masked, ids and labels for the UI."""

from __future__ import annotations

from typing import Any

from gongjian_shared.privacy import mask_id_card, mask_name, mask_phone

from ..domain.members import card_of
from ..domain.units import UNIT_KIND_LABELS


def place_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc["_id"], "kind": doc["kind"], "name": doc["name"], "parent_id": doc["parent_id"],
            "path": doc["path"], "party_org": doc.get("party_org"), "leader": _leader(doc.get("leader"))}


def _leader(leader: dict[str, Any] | None) -> dict[str, Any] | None:
    return {**leader, "name": mask_name(leader["name"])} if leader else None


def receipt_view(receipt: dict[str, Any]) -> dict[str, Any]:
    return {k: receipt.get(k) for k in ("community_id", "community_name", "kind", "label", "receipt_no", "reported_at")}


def member_view(doc: dict[str, Any], vault: Any) -> dict[str, Any]:
    return {"id": doc["_id"], "name": mask_name(doc["name"]), **{"card": card_of(doc["kind"])}, "kind": doc["kind"],
            "specialties": doc.get("specialties", []), "home_community_id": doc.get("home_community_id"),
            "work_unit_id": doc.get("work_unit_id"), "grid_id": doc.get("grid_id"), "building_id": doc.get("building_id"),
            "position": doc.get("position"), "status": doc.get("status"),
            "phone": mask_phone(vault.decrypt(doc.get("phone_enc"))), "id_number": mask_id_card(vault.decrypt(doc.get("id_enc"))),
            "reports": {k: receipt_view(v) for k, v in (doc.get("reports") or {}).items()},
            "registered_at": doc.get("registered_at")}


def member_row_view(doc: dict[str, Any]) -> dict[str, Any]:
    """List rows: no personal data at all."""
    return {"id": doc["_id"], "name": mask_name(doc["name"]), "kind": doc["kind"], "specialties": doc.get("specialties", []),
            "home_community_id": doc.get("home_community_id"), "grid_id": doc.get("grid_id"),
            "work_unit_id": doc.get("work_unit_id"), "status": doc.get("status"),
            "reports": {k: receipt_view(v) for k, v in (doc.get("reports") or {}).items()}}


def unit_member_view(doc: dict[str, Any]) -> dict[str, Any]:
    """A row of a unit's member list: the list row, the card, and the community's records (双管制)."""
    records = sorted((doc.get("performance") or {}).values(), key=lambda r: r["at"])
    return {**member_row_view(doc), "card": card_of(doc["kind"]), "registered_at": doc.get("registered_at"),
            "performance": [{k: r.get(k) for k in ("community_id", "community_name", "rating", "note", "activity", "at")} for r in records]}


def unit_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc["_id"], "name": doc["name"], "kind": doc["kind"], "kind_label": UNIT_KIND_LABELS[doc["kind"]],
            "party_org": doc.get("party_org"), "location": doc.get("location"), "credit_code": doc.get("credit_code"),
            "paired_community_id": doc.get("paired_community_id"), "agreement": doc.get("agreement"),
            "reports": doc.get("reports") or {}}


def job_view(job: dict[str, Any], *, errors_limit: int = 200) -> dict[str, Any]:
    total = job.get("total") or 0
    done = job.get("written", 0) if job["status"] in ("writing", "done") else job.get("validated", 0)
    view = {k: v for k, v in job.items() if k not in ("_id", "errors")}
    view.update(id=job["_id"], errors=job.get("errors", [])[:errors_limit],
                progress=round(done / total, 4) if total else 1.0,
                phase_label={"validating": "校验中", "writing": "写入中", "done": "已完成", "rejected": "已拒绝（未写入任何数据）",
                             "validated": "校验通过（试导入，未写入）", "failed": "失败"}.get(job["status"], job["status"]))
    if job["status"] in ("done", "writing", "validated") and job.get("error_count"):
        view["phase_label"] += f"；{job.get('bad_rows', 0)} 行有错误未导入，见错误报告"
    return view
