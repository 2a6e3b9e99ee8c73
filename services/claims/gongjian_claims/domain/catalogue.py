"""The service catalogue (服务清单) shipped with the service: 5 categories, 35 items.

The categories are those of the Huangshi "双向认领" list (困难帮扶、资金扶持、志愿服务、文体服务、
建议意见, 5 大类 35 项). The items are the kinds of work the seeds describe: visits to needy
households, micro-wishes, legal advice, free clinics, tutoring, patrols, venue sharing,
square-dance teams, exhibitions, basketball games, joint meetings, visits by officials...

Each item names the specialty (特长) a member usually brings to it — a value of the one specialty
vocabulary (gongjian_shared/contracts/vocabularies/specialties.json) — used by matching, and
who usually takes it on (members, units or both). The catalogue is managed at run time
(city officials add, rename or retire items); this list only seeds an empty database.
"""

from __future__ import annotations

from typing import Any

CATEGORIES: tuple[str, ...] = ("困难帮扶", "资金扶持", "志愿服务", "文体服务", "建议意见")
CATEGORY_CODES = {"困难帮扶": "kn", "资金扶持": "zj", "志愿服务": "zy", "文体服务": "wt", "建议意见": "jy"}
MICRO_WISH_ITEM = "微心愿圆梦"
BOTH = ("member", "unit")

# (category, item, specialty or None, usual claimant kinds)
_SEED: tuple[tuple[str, str, str | None, tuple[str, ...]], ...] = (
    ("困难帮扶", "走访慰问困难户", None, BOTH),
    ("困难帮扶", "困难党员结对帮扶", None, BOTH),
    ("困难帮扶", "留守儿童关爱", "家教", BOTH),
    ("困难帮扶", "空巢独居老人照料", "医疗保健", BOTH),
    ("困难帮扶", "残疾人帮扶", None, BOTH),
    ("困难帮扶", "助学帮困", "家教", BOTH),
    ("困难帮扶", "就业帮扶与技能指导", "就业指导", BOTH),
    ("困难帮扶", MICRO_WISH_ITEM, None, ("member",)),
    ("资金扶持", "社区公益金捐助", None, ("unit",)),
    ("资金扶持", "基础设施改造资助", None, ("unit",)),
    ("资金扶持", "社区活动经费支持", None, ("unit",)),
    ("资金扶持", "困难群众救助金", None, ("unit",)),
    ("资金扶持", "社会组织孵化资助", None, ("unit",)),
    ("资金扶持", "爱心物资捐赠", None, BOTH),
    ("志愿服务", "法律咨询", "法律", BOTH),
    ("志愿服务", "义诊与健康咨询", "医疗保健", BOTH),
    ("志愿服务", "家教辅导", "家教", ("member",)),
    ("志愿服务", "平安巡逻", None, BOTH),
    ("志愿服务", "环境整治", None, BOTH),
    ("志愿服务", "交通疏导", None, ("member",)),
    ("志愿服务", "消防安全演练", "消防", BOTH),
    ("志愿服务", "政策宣讲", "政策宣讲", BOTH),
    ("志愿服务", "技能培训", "技能培训", BOTH),
    ("志愿服务", "疫情防控值守", None, ("member",)),
    ("文体服务", "场地设施开放共享", None, ("unit",)),
    ("文体服务", "文艺演出", "文艺", BOTH),
    ("文体服务", "广场舞秧歌队辅导", "文艺", ("member",)),
    ("文体服务", "书画摄影展", "书画", BOTH),
    ("文体服务", "篮球友谊赛", "体育健身", BOTH),
    ("文体服务", "图书阅览共享", None, ("unit",)),
    ("文体服务", "老年大学授课", "教学", ("member",)),
    ("建议意见", "社情民意收集", None, BOTH),
    ("建议意见", "共建联席议事", None, ("unit",)),
    ("建议意见", "领导干部进社区接访", None, BOTH),
    ("建议意见", "矛盾纠纷调解", "法律", BOTH),
)


def seed_items() -> list[dict[str, Any]]:
    """The seed items as catalogue documents with stable ids (kn-01, zy-03, ...)."""
    counters: dict[str, int] = {}
    items = []
    for category, name, specialty, kinds in _SEED:
        code = CATEGORY_CODES[category]
        counters[code] = counters.get(code, 0) + 1
        items.append({"_id": f"{code}-{counters[code]:02d}", "category": category, "name": name,
                      "specialty": specialty, "claimant_kinds": list(kinds), "active": True})
    return items
