"""What each figure counts, in the words officials read. Pure data, one source for the API,
the reports and the dashboard.

Issue 13: "已完成 402" was larger than "发布需求 364" because one counted claims and the other
needs. Every figure therefore names its unit of count (项 = needs, 人次 = claims or people-times,
人 = distinct people) and says in one sentence what it counts.
"""

from __future__ import annotations

from typing import NamedTuple


class Figure(NamedTuple):
    key: str
    label: str
    unit: str
    meaning: str
    percent: bool = False


FIGURES: tuple[Figure, ...] = (
    Figure("members_registered", "登记党员", "人", "在本地登记的在职党员人数"),
    Figure("members_reported", "报到党员", "人", "已向社区报到（居住地或单位所在地）的党员人数"),
    Figure("reporting_rate", "报到率", "%", "报到党员 ÷ 登记党员", percent=True),
    Figure("units_registered", "驻区单位", "家", "在本地登记的驻区单位数"),
    Figure("units_reported", "报到单位", "家", "曾向社区报到的单位数"),
    Figure("units_reported_this_month", "本月报到单位", "家", "本月（北京时间）已提交月度报到的单位数"),
    Figure("demands_published", "发布需求", "项", "社区发布的需求（项目）数，一项需求可有多人认领"),
    Figure("demands_claimed", "认领人次", "人次", "党员或单位认领需求的次数，一项需求可被认领多次"),
    Figure("claims_released", "退领人次", "人次", "认领后未服务即结束的次数（本人撤回、工作人员收回或转交、超时释放）"),
    Figure("claims_revoked", "收回认领", "人次", "工作人员说明原因后收回的认领（不含转交）"),
    Figure("claims_handed_over", "转交认领", "人次", "工作人员说明原因后转交给其他党员或单位的认领"),
    Figure("claims_idle_released", "超时释放", "人次", "认领后超过规定天数未登记服务、经提醒后自动释放的认领"),
    Figure("demands_fulfilled", "完成服务人次", "人次", "认领人登记完成服务的次数（与“发布需求”单位不同）"),
    Figure("demands_verified", "核验通过人次", "人次", "社区核验通过的服务次数"),
    Figure("demands_overdue", "逾期需求", "项", "超过期限仍未办结的需求数"),
    Figure("overdue_rate", "逾期率", "%", "逾期需求 ÷ 发布需求", percent=True),
    Figure("demands_closed", "销号需求", "项", "已销号（办结）的需求数"),
    Figure("wishes_posted", "收到微心愿", "个", "居民提交的微心愿数"),
    Figure("wishes_fulfilled", "实现微心愿", "个", "已实现并销号的微心愿数"),
    Figure("suggestions_received", "收到建议", "条", "居民提出的意见建议数"),
    Figure("suggestions_resolved", "办结建议", "条", "已办结且答复的意见建议数"),
    Figure("hours_served", "服务时长", "小时", "核验通过的服务时长合计"),
    Figure("participants", "参与人次", "人次", "参加服务与共建活动的人次"),
    Figure("beneficiaries", "受益人次", "人次", "服务惠及的群众人次（核验时登记）"),
    Figure("average_rating", "群众评价均分", "分", "群众对服务的评价平均分（满分 5 分）"),
    Figure("points_awarded", "发放积分", "分", "按积分规则发放的奉献积分合计"),
    Figure("activities", "共建活动", "场", "登记的共驻共建活动场次"),
    Figure("inspections_recorded", "督查次数", "次", "对社区党组织和驻区单位开展的季度督查次数"),
    Figure("rectifications_opened", "整改事项", "项", "督查提出的限期整改事项数"),
    Figure("rectifications_open", "在改事项", "项", "尚未销号的整改事项数"),
    Figure("rectifications_overdue", "逾期整改", "项", "超过整改期限仍未销号的整改事项数（逾期即计，销号后仍计）"),
    Figure("rectifications_closed", "整改销号", "项", "经督查组复查销号的整改事项数"),
)

# Positions served in shifts (岗位服务, issue 14.2), counted in the shift's local month (北京时间).
SHIFT_FIGURES: tuple[Figure, ...] = (
    Figure("shifts_held", "开展班次", "班", "至少有一人到岗（签到或补录）的岗位班次数"),
    Figure("shift_signups", "班次报名", "人次", "党员报名岗位班次的人次；开班前取消的不计"),
    Figure("shift_attended", "到岗人次", "人次", "报名后扫码签到或由社区补录签到的人次；未签到但工时更正获批的也算到岗"),
    Figure("shift_attendance_rate", "到岗率", "%", "到岗人次 ÷ 班次报名；当月尚未开始的班次的报名也计入分母，月末后的数字为准",
           percent=True),
    Figure("shift_hours", "岗位服务时长", "小时", "班次计入的服务小时数（扫码签到签退、补录或更正获批后的工时）"),
)
FIGURES = FIGURES + SHIFT_FIGURES

# Time in state (issue 14.8), as 12345 hotlines publish them. An item (诉求) is a need the community
# published, a micro-wish a resident posted or a suggestion a resident made; it counts in the local
# month it was opened. See domain/time_figures.py for why medians and how the composite is made.
TIME_FIGURES: tuple[Figure, ...] = (
    Figure("items_received", "受理诉求", "项", "本月（北京时间）发布的需求、居民提交的微心愿和意见建议数；未通过审核或已撤回的不计"),
    Figure("items_open", "未办结诉求", "项", "上述诉求中尚未销号（办结）的项数"),
    Figure("response_rate", "响应率", "%", "在响应时限内被首次认领（需求、微心愿）或交办（建议）的诉求 ÷ 已到响应时限或已响应的诉求",
           percent=True),
    Figure("closure_rate", "办结率", "%", "已销号（服务完成）或已答复办结（建议）的诉求 ÷ 受理诉求；无人服务即关闭的不算办结",
           percent=True),
    Figure("satisfaction_rate", "满意率", "%",
           "服务对象的评价为 4 星或 5 星（满意、基本满意）及“解决了吗”答“已解决”的 ÷ 全部评价与回答", percent=True),
    Figure("resolved_rate", "解决率", "%", "居民对“解决了吗”回答“已解决”的 ÷ 全部回答（“部分解决”不算解决）",
           percent=True),
    Figure("first_claim_hours_median", "首次认领用时（中位数）", "小时",
           "从发布（居民提交）到首次认领或交办的用时，取中位数；尚未认领的不计入"),
    Figure("first_claim_hours_mean", "首次认领用时（平均）", "小时", "同上，取平均值（便于与热线公布的平均值对照）"),
    Figure("close_days_median", "办结用时（中位数）", "天",
           "从发布（居民提交）到销号（办结）的用时，取中位数；尚未办结的不计入；居民答“未解决”重新打开的，算到最后一次办结"),
    Figure("close_days_mean", "办结用时（平均）", "天", "同上，取平均值"),
    Figure("composite_score", "综合得分", "分",
           "响应率×30% + 办结率×35% + 满意率×35%，满分 100（“三率”考核）；暂无评价时按其余两项折算；用于月度红黑榜"),
)
FIGURES = FIGURES + TIME_FIGURES

BY_KEY = {f.key: f for f in FIGURES}
HEALTH = {"good": "良好", "warning": "一般", "bad": "需关注", "unknown": "暂无数据"}


def label(key: str) -> str:
    figure = BY_KEY.get(key)
    return f"{figure.label}（{figure.unit}）" if figure else key


def show(key: str, value: object) -> str:
    """A figure as a person reads it: rates as 90.0%, counts as integers, missing as "—"."""
    if value is None:
        return "—"
    figure = BY_KEY.get(key)
    if figure is not None and figure.percent and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_rows() -> list[list[str]]:
    return [[f.label, f.unit, f.meaning] for f in FIGURES]


def as_dicts() -> list[dict[str, object]]:
    return [f._asdict() for f in FIGURES]
