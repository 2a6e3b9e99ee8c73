"""Notices (提醒/通知): what a notice is about, in Chinese. Pure.

A notice's ``kind`` names its cause as ``<subject>.<step>`` (``demand.remind``,
``wish.approved``, ``suggestion.assigned``…). The kinds below have a Chinese label; a
kind added by a new caller without one is shown as 通知 — a notice is never held back for
want of a label.
"""

from __future__ import annotations

KIND_LABELS = {
    # supervision (督办): deadlines ahead, overdue, escalated
    "demand.remind": "到期提醒", "demand.overdue": "逾期督办", "demand.escalate": "上报街道督办",
    "task.remind": "到期提醒", "task.overdue": "逾期督办", "task.escalate": "上报街道督办",
    # the steps a resident who asked is told of (honest closure)
    "wish.approved": "心愿已通过审核", "wish.rejected": "心愿未通过审核", "wish.claimed": "心愿已被认领",
    "wish.fulfilled": "心愿已办理", "wish.verified": "心愿已核验", "wish.sent_back": "心愿被退回重办",
    "wish.closed": "心愿已办结", "wish.reopened": "心愿已重新办理",
    "suggestion.received": "建议已受理", "suggestion.assigned": "建议已交办", "suggestion.resolved": "建议已办结",
    "suggestion.reopened": "建议已重新办理", "suggestion.handed": "意见建议交您办理",
    "closure.ask": "请评价：解决了吗",
    # members and staff
    "demand.matched": "新需求匹配", "claim.sent_back": "服务被退回", "claim.approved": "服务已核验通过",
    "claim.handed_over": "认领已转交", "claim.released": "认领已释放", "claim.idle_warning": "认领超时提醒", "inspection.deadline": "整改期限提醒",
    # inspections (督查): a rectification item's deadline (限期整改)
    "rectification.remind": "整改到期提醒", "rectification.overdue": "整改逾期", "rectification.escalate": "整改逾期上报街道",
}
# shifts of positions (service/attendance.py)
KIND_LABELS.update({"shift.manual_entry": "班次工时补录", "shift.correction_requested": "工时更正申请",
                    "shift.correction_decided": "工时更正审核结果"})
DEFAULT_LABEL = "通知"
RECIPIENT_KINDS = ("member", "resident", "unit", "staff", "place")


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, DEFAULT_LABEL)


def notice_id(cause: str, recipient: str) -> str:
    """One notice per cause and recipient: the same cause noticed again is the same notice."""
    return f"{cause}|{recipient}"
