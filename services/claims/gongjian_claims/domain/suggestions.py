"""Suggestions (意见建议): 网上听民意，网下分头办. States and handling modes. Pure.

received → triaged → assigned → resolved. Triage may also resolve at once (a question
answered on the spot, a duplicate). Assignment names a mode: 领办 (a unit or member takes
charge of it), 代办 (handled on the resident's behalf) or 上门 (a home visit).
"""

from __future__ import annotations

MODES = {"take_charge": "领办", "on_behalf": "代办", "home_visit": "上门"}
MODE_BY_LABEL = {label: code for code, label in MODES.items()}
TOPICS = ("环境卫生", "物业管理", "治安安全", "交通出行", "养老服务", "文体活动", "设施维修", "政策咨询", "其他")
URGENCIES = ("normal", "urgent")
OUTCOMES = {"resolved": "已解决", "explained": "已解释答复", "declined": "不予采纳"}


def mode_code(value: str) -> str | None:
    """Accept the code or the Chinese label."""
    if value in MODES:
        return value
    return MODE_BY_LABEL.get(value)
