"""Resident units (驻区单位): kinds, the co-building agreement, monthly reports."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from gongjian_shared.localtime import month_key
from gongjian_shared.text import choice, fold

UnitKind = Literal["organ", "enterprise", "social_org", "new_economy"]
UNIT_KIND_LABELS = {"organ": "机关", "enterprise": "企事业单位", "social_org": "社会组织", "new_economy": "两新组织"}
UNIT_KIND_ALIASES = {
    **{label: code for code, label in UNIT_KIND_LABELS.items()},
    **{code: code for code in UNIT_KIND_LABELS},
    "机关单位": "organ", "企事业": "enterprise", "企业": "enterprise", "事业单位": "enterprise",
    "两新": "new_economy", "非公企业": "new_economy",
}
UnitKindIn = choice(UnitKind, UNIT_KIND_LABELS, UNIT_KIND_ALIASES)  # code or label (机关 → organ)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def unit_kind_of(label: str) -> str | None:
    return UNIT_KIND_ALIASES.get(fold(str(label or "")))


def month_of(moment: datetime) -> str:
    """The local month ``YYYY-MM`` of an instant (a report filed at 00:30 on 1 Dec China time is December's)."""
    return month_key(moment)


def valid_month(month: str) -> bool:
    return bool(_MONTH.match(month or ""))
