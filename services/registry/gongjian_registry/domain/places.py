"""The place tree: city → district → street → community → grid → building."""

from __future__ import annotations

from typing import Literal

PlaceKind = Literal["city", "district", "street", "community", "grid", "building"]
LEVELS: tuple[str, ...] = ("city", "district", "street", "community", "grid", "building")
KIND_LABELS = {"city": "市", "district": "区", "street": "街道", "community": "社区", "grid": "网格", "building": "楼栋"}


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


def district_of(path: list[str], kinds: list[str]) -> str | None:
    return next((pid for pid, k in zip(path, kinds, strict=False) if k == "district"), None)
