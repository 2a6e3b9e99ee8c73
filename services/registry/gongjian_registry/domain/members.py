"""Members and their dual reporting (双报到)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

MemberKind = Literal["in_service", "retired", "unemployed", "mobile", "new_economy"]
# The card each kind of member carries, as the seeds name them.
MEMBER_CARDS = {
    "in_service": "联系卡",
    "retired": "奉献积分卡",
    "unemployed": "就业服务卡",
    "mobile": "信息登记卡",
    "new_economy": "情况沟通卡",
}
ReportKind = Literal["home", "work"]
REPORT_LABELS = {"home": "居住地社区报到", "work": "单位所在社区报到"}


def receipt_number(reported_at: datetime, sequence: int) -> str:
    """报到回执 number: BD-YYYYMMDD-NNNNNN."""
    return f"BD-{reported_at:%Y%m%d}-{sequence:06d}"
