"""Honest closure (诉求办结回访): the person served answers 解决了吗, and a "not" soon reopens. Pure.

After a wish is closed (销号) or a suggestion resolved (办结), the resident who asked answers
resolved (已解决) / partly (部分解决) / not (未解决). A "not" given within 7 local days of the
closing (Asia/Shanghai calendar days: closed on the 1st, the answer counts through the 8th,
24:00) reopens the item; later it is recorded and counted but reopens nothing — as 12345
hotlines re-open a 工单 the caller disputes at the return visit (回访), within a window.
"""

from __future__ import annotations

from datetime import datetime

from gongjian_shared.localtime import add_days, local_date

ANSWERS = {"resolved": "已解决", "partly": "部分解决", "not": "未解决"}
ANSWER_BY_LABEL = {label: code for code, label in ANSWERS.items()}
REOPEN_WITHIN_DAYS = 7


def answer_code(value: str) -> str | None:
    """The code, or the Chinese label (已解决/部分解决/未解决)."""
    return value if value in ANSWERS else ANSWER_BY_LABEL.get(value)


def reopens(answer: str, closed_at: datetime, answered_at: datetime) -> bool:
    """A "not" reopens when given by the end of the 7th local day after the closing day."""
    return answer == "not" and local_date(answered_at) <= add_days(local_date(closed_at), REOPEN_WITHIN_DAYS)


def answer_id(item_id: str, round_no: int) -> str:
    """One answer per closing: a reopened item closed again is asked again."""
    return f"{item_id}|answer-{round_no}"
