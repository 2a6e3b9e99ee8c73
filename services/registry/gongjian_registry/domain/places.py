"""The place tree: city → district → street → community → grid → building.

Party organisations sit on each level (支部建在网格上, 党小组设在楼栋上); each level has
its usual kind of organisation and leader title, which staff may override.
"""

from __future__ import annotations

from typing import Literal

from gongjian_shared.text import choice

PlaceKind = Literal["city", "district", "street", "community", "grid", "building"]
LEVELS: tuple[str, ...] = ("city", "district", "street", "community", "grid", "building")
KIND_LABELS = {"city": "市", "district": "区", "street": "街道", "community": "社区", "grid": "网格", "building": "楼栋"}
PlaceKindIn = choice(PlaceKind, KIND_LABELS)  # code or label (社区 → community)
DEFAULT_PARTY_ORG = {
    "city": "市委", "district": "区委", "street": "街道党工委", "community": "社区党委",
    "grid": "网格党支部", "building": "楼栋党小组",
}
LEADER_TITLES = {
    "city": "书记", "district": "书记", "street": "党工委书记", "community": "社区党委书记",
    "grid": "网格长", "building": "楼栋党小组组长",
}


class PlaceRuleError(ValueError):
    pass


def check_parent(kind: str, parent_kind: str | None) -> None:
    """A place sits exactly one level below its parent; only a city has no parent."""
    level = LEVELS.index(kind)
    if parent_kind is None:
        if kind != "city":
            raise PlaceRuleError(f"{KIND_LABELS[kind]}必须有上级地点 (a {kind} needs a parent)")
        return
    if LEVELS.index(parent_kind) != level - 1:
        raise PlaceRuleError(
            f"{KIND_LABELS[kind]}的上级必须是{KIND_LABELS[LEVELS[level - 1]]}，而不是{KIND_LABELS[parent_kind]}"
            f" (a {kind} must sit under a {LEVELS[level - 1]}, not a {parent_kind})"
        )


def check_move(place_id: str, new_parent_path: list[str]) -> None:
    if place_id in new_parent_path:
        raise PlaceRuleError("不能把地点移到它自己的下级 (cannot move a place under itself)")


def district_of(path: list[str], kinds: list[str]) -> str | None:
    return next((pid for pid, k in zip(path, kinds, strict=False) if k == "district"), None)


def ancestor_of_kind(path: list[str], kinds: list[str], kind: str) -> str | None:
    return next((pid for pid, k in zip(path, kinds, strict=False) if k == kind), None)
