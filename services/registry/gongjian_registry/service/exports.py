"""Export of the member and unit lists with the import's Chinese headers.

Phone and ID numbers leave only masked (an export is a file that travels).
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.localtime import format_date
from gongjian_shared.privacy import mask_id_card, mask_phone

from ..adapters.store import MEMBERS, UNITS
from ..domain.importing import MEMBER_HEADERS, UNIT_HEADERS
from ..domain.members import KIND_LABELS, STATUS_LABELS
from ..domain.units import UNIT_KIND_LABELS

MEMBER_EXPORT_HEADERS = (*MEMBER_HEADERS, "居住地报到回执", "单位所在社区报到回执", "状态", "党员编号")
UNIT_EXPORT_HEADERS = (*UNIT_HEADERS, "协议签订日期", "单位编号")


async def member_rows(db: Any, vault: Any, places: dict[str, dict[str, Any]], units: dict[str, str],
                      community_ids: set[str] | None) -> list[list[str]]:
    query = {"home_community_id": {"$in": sorted(community_ids)}} if community_ids is not None else {}
    rows = []
    async for m in db[MEMBERS].find(query, {"outbox": 0, "outbox_pending": 0, "history": 0, "performance": 0}).sort("_id", 1):
        reports = m.get("reports") or {}
        name_of = lambda pid: places.get(pid, {}).get("name", "") if pid else ""  # noqa: E731
        rows.append([m["name"], mask_id_card(vault.decrypt(m.get("id_enc"))), mask_phone(vault.decrypt(m.get("phone_enc"))),
                     KIND_LABELS.get(m["kind"], m["kind"]), "、".join(m.get("specialties", [])),
                     units.get(m.get("work_unit_id") or "", ""), name_of(m.get("home_community_id")),
                     name_of(m.get("grid_id")), name_of(m.get("building_id")),
                     (reports.get("home") or {}).get("receipt_no", ""), (reports.get("work") or {}).get("receipt_no", ""),
                     STATUS_LABELS.get(m.get("status"), ""), m["_id"]])
    return rows


async def unit_rows(db: Any, places: dict[str, dict[str, Any]], community_ids: set[str] | None) -> list[list[str]]:
    query = {"paired_community_id": {"$in": sorted(community_ids)}} if community_ids is not None else {}
    rows = []
    async for u in db[UNITS].find(query, {"outbox": 0, "outbox_pending": 0, "history": 0}).sort("_id", 1):
        rows.append([u["name"], UNIT_KIND_LABELS.get(u["kind"], u["kind"]), u.get("party_org", ""), u.get("location", ""),
                     places.get(u["paired_community_id"], {}).get("name", ""), u.get("credit_code") or "",
                     format_date((u.get("agreement") or {}).get("signed_on")), u["_id"]])
    return rows
