"""The managed list of specialties (专长); the city may add to it."""

from __future__ import annotations

import re

DEFAULT_SPECIALTIES: tuple[str, ...] = (
    "法律", "医疗保健", "家教", "文艺", "心理咨询", "技能培训", "政策宣讲", "理发", "家电维修",
    "摄影", "书画", "体育健身", "信息技术", "财务会计", "环境卫生", "治安巡逻",
)
_SPLIT = re.compile(r"[、,，;；/\s]+")


def split_specialties(raw: str | list[str] | None) -> list[str]:
    """'法律、医疗保健' → ['法律', '医疗保健'] (order kept, duplicates dropped)."""
    items = raw if isinstance(raw, list) else _SPLIT.split(str(raw or ""))
    seen: list[str] = []
    for item in (str(i).strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return seen


def unknown(specialties: list[str], managed: set[str]) -> list[str]:
    return [s for s in specialties if s not in managed]
