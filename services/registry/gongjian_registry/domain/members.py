"""Members, their kinds and cards, and dual reporting (双报到)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from gongjian_shared.localtime import compact_day
from gongjian_shared.text import choice, fold

MemberKind = Literal["in_service", "retired", "unemployed", "mobile", "new_economy"]
MEMBER_KINDS: tuple[str, ...] = MemberKind.__args__  # type: ignore[attr-defined]
# The card each kind of member carries, as the seeds name them.
MEMBER_CARDS = {
    "in_service": "在职党员双向联系卡",
    "retired": "离退休党员奉献积分卡",
    "unemployed": "失业党员就业服务卡",
    "mobile": "流动党员信息登记卡",
    "new_economy": "“两新”组织党员情况沟通卡",
}
KIND_LABELS = {
    "in_service": "在职党员",
    "retired": "离退休党员",
    "unemployed": "失业党员",
    "mobile": "流动党员",
    "new_economy": "两新组织党员",
}
# What staff write in their sheets → kind code.
KIND_ALIASES = {
    **{label: code for code, label in KIND_LABELS.items()},
    **{code: code for code in KIND_LABELS},
    "在职": "in_service", "离退休": "retired", "退休党员": "retired", "退休": "retired",
    "失业": "unemployed", "流动": "mobile", "两新": "new_economy", "两新党员": "new_economy",
    "“两新”组织党员": "new_economy", "\"两新\"组织党员": "new_economy",
}
ReportKind = Literal["home", "work"]
REPORT_LABELS = {"home": "居住地社区报到", "work": "单位所在社区报到"}
STATUS_LABELS = {"active": "在册", "inactive": "已停用"}
# Request types: the API takes the code or the Chinese label the product shows (as the import does).
MemberKindIn = choice(MemberKind, KIND_LABELS, KIND_ALIASES)
ReportKindIn = choice(ReportKind, REPORT_LABELS, {"居住地": "home", "居住地社区": "home", "单位": "work", "单位所在社区": "work"})


def kind_of(label: str) -> str | None:
    return KIND_ALIASES.get(fold(str(label or "")))


def receipt_number(reported_at: datetime, sequence: int) -> str:
    """报到回执 number: BD-YYYYMMDD-NNNNNN, the date being the local day of the report."""
    return f"BD-{compact_day(reported_at)}-{sequence:06d}"


def card_of(kind: str) -> dict[str, str]:
    return {"kind": kind, "label": KIND_LABELS[kind], "card": MEMBER_CARDS[kind]}
