"""Bulk import rules (pure): Chinese column headers, row parsing, per-row errors.

Every row is checked first. By default a file is taken whole or rejected whole (any bad
row: nothing written, the user gets the list of row, column, reason); on request the
valid rows are imported and the bad ones reported (the service decides which).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .idcard import PersonalDataError, normalize_id_number, normalize_phone
from .members import kind_of
from .specialties import split_specialties, unknown
from .units import unit_kind_of

MEMBER_HEADERS = ("姓名", "身份证号", "手机号", "党员类型", "专长", "工作单位", "居住社区", "网格", "楼栋")
MEMBER_REQUIRED = ("姓名", "身份证号", "党员类型", "居住社区")
UNIT_HEADERS = ("单位名称", "单位类型", "党组织名称", "单位地址", "结对社区", "统一社会信用代码")
UNIT_REQUIRED = ("单位名称", "单位类型", "结对社区")
# Header variants found in real sheets → canonical header.
HEADER_ALIASES = {
    "党员姓名": "姓名", "名字": "姓名", "身份证号码": "身份证号", "公民身份号码": "身份证号", "身份证": "身份证号",
    "联系电话": "手机号", "手机号码": "手机号", "电话": "手机号", "类型": "党员类型", "党员类别": "党员类型",
    "特长": "专长", "专业特长": "专长", "所在单位": "工作单位", "单位": "工作单位", "居住地社区": "居住社区",
    "报到社区": "居住社区", "所属网格": "网格", "所在楼栋": "楼栋", "类别": "单位类型", "党组织": "党组织名称",
    "地址": "单位地址", "共建社区": "结对社区", "所在社区": "结对社区", "信用代码": "统一社会信用代码",
}
# The English gloss after a Chinese reason, " (unknown building)": for developers, not for staff.
_GLOSS = re.compile(r"\s*\([\x20-\x7e]*\)\s*$")
# Columns of long digit strings: typed as numbers, Excel keeps 15 digits and drops the rest.
TEXT_COLUMNS = ("身份证号", "统一社会信用代码")


@dataclass
class RowError:
    row: int  # 1-based row number as the user sees it in the sheet (header = row 1)
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class Refs:
    """What rows refer to, resolved from the registry before validation."""

    communities: dict[str, dict[str, Any]]  # id → place
    community_names: dict[str, list[str]]  # name → ids
    places: dict[str, dict[str, Any]]  # grid/building id → place
    place_names: dict[tuple[str, str], list[str]]  # (community id, name) → grid/building ids
    units: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → unit
    unit_names: dict[str, str] = field(default_factory=dict)  # name → id
    specialties: set[str] = field(default_factory=set)
    acts_for: Callable[[list[str]], bool] = lambda path: True


def chinese_only(reason: str) -> str:
    """``"手机号应为11位 (phone must be …)"`` → ``"手机号应为11位"``: what staff download is Chinese only."""
    return _GLOSS.sub("", reason) or reason


def map_headers(header_row: list[str], expected: tuple[str, ...], required: tuple[str, ...],
                row_number: int = 1) -> tuple[dict[str, int], list[RowError]]:
    """Canonical header → column index; a missing required header rejects the file."""
    index: dict[str, int] = {}
    for i, raw in enumerate(header_row):
        name = HEADER_ALIASES.get(raw.strip(), raw.strip())
        if name in expected and name not in index:
            index[name] = i
    missing = [h for h in required if h not in index]
    errors = [RowError(row_number, h, f"缺少必填列“{h}”；表头应为：{'、'.join(expected)} (missing column)") for h in missing]
    return index, errors


def number_typed(n: int, column: str) -> RowError:
    """The cell of a text column was stored as a number: its last digits are already gone."""
    return RowError(n, column, f"{column}被存成数字，末位已丢失，请把该列设为文本后重新填写 (stored as a number)")


def _get(row: list[str], index: dict[str, int], header: str) -> str:
    i = index.get(header)
    return row[i].strip() if i is not None and i < len(row) else ""


def resolve_community(value: str, refs: Refs) -> tuple[dict[str, Any] | None, str | None]:
    if value in refs.communities:
        return refs.communities[value], None
    ids = refs.community_names.get(value, [])
    if len(ids) == 1:
        return refs.communities[ids[0]], None
    if len(ids) > 1:
        return None, f"社区名称“{value}”不唯一，请填写社区编号 (ambiguous community name)"
    return None, f"社区“{value}”不存在 (unknown community)"


def parse_member_row(n: int, row: list[str], index: dict[str, int], refs: Refs,
                     numbers: frozenset[str] = frozenset()) -> tuple[dict[str, Any] | None, list[RowError]]:
    """Sheet row ``n`` (cells folded) → member fields or its errors; ``numbers``: columns typed as numbers."""
    errors: list[RowError] = []
    get = lambda h: _get(row, index, h)  # noqa: E731
    name = get("姓名")
    if not name or len(name) > 50:
        errors.append(RowError(n, "姓名", "姓名不能为空且不超过50字 (name required)"))
    id_number = None
    if "身份证号" in numbers:
        errors.append(number_typed(n, "身份证号"))
    else:
        try:
            id_number = normalize_id_number(get("身份证号"))
        except PersonalDataError as exc:
            errors.append(RowError(n, "身份证号", str(exc)))
    phone = None
    if get("手机号"):
        try:
            phone = normalize_phone(get("手机号"))
        except PersonalDataError as exc:
            errors.append(RowError(n, "手机号", str(exc)))
    kind = kind_of(get("党员类型"))
    if kind is None:
        errors.append(RowError(n, "党员类型", f"党员类型“{get('党员类型')}”无效，应为在职党员/离退休党员/失业党员/流动党员/两新组织党员 (unknown kind)"))
    specialties = split_specialties(get("专长"))
    if bad := unknown(specialties, refs.specialties):
        errors.append(RowError(n, "专长", f"专长“{'、'.join(bad)}”不在专长目录中 (unknown specialty)"))
    community, problem = resolve_community(get("居住社区"), refs) if get("居住社区") else (None, "居住社区不能为空 (community required)")
    if problem:
        errors.append(RowError(n, "居住社区", problem))
    elif not refs.acts_for(community["path"]):
        errors.append(RowError(n, "居住社区", f"无权向社区“{community['name']}”导入党员 (outside your places)"))
    unit_id = None
    if unit := get("工作单位"):
        unit_id = unit if unit in refs.units else refs.unit_names.get(unit)
        if unit_id is None:
            errors.append(RowError(n, "工作单位", f"工作单位“{unit}”未登记 (unknown unit)"))
    grid_id = building_id = None
    if community is not None:
        grid_id = _sub_place(n, "网格", get("网格"), community["_id"], refs, errors)
        building_id = _sub_place(n, "楼栋", get("楼栋"), grid_id or community["_id"], refs, errors)
    if errors:
        return None, errors
    return {"name": name, "id_number": id_number, "phone": phone, "kind": kind, "specialties": specialties,
            "home_community_id": community["_id"], "work_unit_id": unit_id, "grid_id": grid_id,
            "building_id": building_id}, []


def _sub_place(n: int, column: str, value: str, parent_id: str, refs: Refs, errors: list[RowError]) -> str | None:
    if not value:
        return None
    kind = "grid" if column == "网格" else "building"
    if value in refs.places and refs.places[value]["kind"] == kind and parent_id in refs.places[value]["path"]:
        return value
    ids = refs.place_names.get((parent_id, value), [])
    if len(ids) == 1:
        return ids[0]
    errors.append(RowError(n, column, f"{column}“{value}”不在该社区中；{_known(column, kind, parent_id, refs)} (unknown {kind})"))
    return None


def _known(column: str, kind: str, parent_id: str, refs: Refs, limit: int = 10) -> str:
    """Which grids/buildings the row's community (or grid) has: up to ``limit`` names, so staff can correct the cell."""
    names = sorted({p["name"] for p in refs.places.values() if p["kind"] == kind and parent_id in p["path"]})
    if not names:
        return f"该处尚未登记{column}，请先在“地点与党组织”中添加"
    more = f"等{len(names)}个" if len(names) > limit else ""
    return f"已登记的{column}有：{'、'.join(names[:limit])}{more}"


def parse_unit_row(n: int, row: list[str], index: dict[str, int], refs: Refs,
                   numbers: frozenset[str] = frozenset()) -> tuple[dict[str, Any] | None, list[RowError]]:
    """Sheet row ``n`` (cells folded) → unit fields or its errors; ``numbers``: columns typed as numbers."""
    errors: list[RowError] = []
    if "统一社会信用代码" in numbers:
        errors.append(number_typed(n, "统一社会信用代码"))
    get = lambda h: _get(row, index, h)  # noqa: E731
    name = get("单位名称")
    if not name or len(name) > 100:
        errors.append(RowError(n, "单位名称", "单位名称不能为空且不超过100字 (name required)"))
    kind = unit_kind_of(get("单位类型"))
    if kind is None:
        errors.append(RowError(n, "单位类型", f"单位类型“{get('单位类型')}”无效，应为机关/企事业单位/社会组织/两新组织 (unknown unit kind)"))
    community, problem = resolve_community(get("结对社区"), refs) if get("结对社区") else (None, "结对社区不能为空 (community required)")
    if problem:
        errors.append(RowError(n, "结对社区", problem))
    elif not refs.acts_for(community["path"]):
        errors.append(RowError(n, "结对社区", f"无权向社区“{community['name']}”导入单位 (outside your places)"))
    if errors:
        return None, errors
    return {"name": name, "kind": kind, "party_org": get("党组织名称") or f"{name}党支部",
            "location": get("单位地址"), "credit_code": get("统一社会信用代码") or None,
            "paired_community_id": community["_id"]}, []
