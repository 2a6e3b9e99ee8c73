"""The managed catalogue of categories and items (服务清单 5 大类)."""

from __future__ import annotations

from typing import Any

from gongjian_shared.problems import Problem
from pymongo import UpdateOne

from ..adapters.store import CATALOGUE
from ..domain.catalogue import CATEGORIES, CATEGORY_CODES, seed_items
from . import specialties


async def seed(db: Any) -> None:
    """Insert the shipped items that are missing; never overwrite what officials changed."""
    ops = [UpdateOne({"_id": item["_id"]}, {"$setOnInsert": item}, upsert=True) for item in seed_items()]
    await db[CATALOGUE].bulk_write(ops, ordered=False)


async def listing(db: Any, *, include_retired: bool = False) -> dict[str, Any]:
    query = {} if include_retired else {"active": True}
    items = await db[CATALOGUE].find(query).sort("_id", 1).to_list(None)
    categories = [{"category": c, "code": CATEGORY_CODES[c], "items": [_view(i) for i in items if i["category"] == c]}
                  for c in CATEGORIES]
    return {"categories": categories, "item_count": sum(len(c["items"]) for c in categories)}


def _view(item: dict[str, Any]) -> dict[str, Any]:
    fields = ("category", "name", "specialty", "claimant_kinds", "active")
    return {"id": item["_id"], **{k: item.get(k) for k in fields}}


def check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise Problem(422, f"未知的需求类别：{category}；可选：{'、'.join(CATEGORIES)} (unknown category)",
                      code="unknown-category")


async def resolve(db: Any, category: str, item: str) -> dict[str, Any]:
    """An active item of the category, given by id or by name."""
    check_category(category)
    doc = await db[CATALOGUE].find_one({"category": category, "active": True, "$or": [{"_id": item}, {"name": item}]})
    if doc is None:
        raise Problem(422, f"服务清单中没有该项目：{category} / {item} (not an active catalogue item)",
                      code="unknown-item")
    return doc


async def add_item(db: Any, *, category: str, name: str, specialty: str | None,
                   claimant_kinds: list[str]) -> dict[str, Any]:
    check_category(category)
    await specialties.check(db, [specialty] if specialty else [])
    if await db[CATALOGUE].find_one({"category": category, "name": name}):
        raise Problem(409, f"该类别下已有同名项目：{name} (item exists)", code="item-exists")
    code = CATEGORY_CODES[category]
    taken = {d["_id"] for d in await db[CATALOGUE].find({"category": category}, {"_id": 1}).to_list(None)}
    number = len(taken) + 1
    while f"{code}-{number:02d}" in taken:
        number += 1
    item = {"_id": f"{code}-{number:02d}", "category": category, "name": name, "specialty": specialty,
            "claimant_kinds": claimant_kinds, "active": True}
    await db[CATALOGUE].insert_one(item)
    return _view(item)


async def update_item(db: Any, item_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    changes = {k: v for k, v in changes.items() if k in ("name", "specialty", "claimant_kinds", "active")}
    if changes.get("specialty"):
        await specialties.check(db, [changes["specialty"]])
    doc = await db[CATALOGUE].find_one_and_update({"_id": item_id}, {"$set": changes}, return_document=True) \
        if changes else await db[CATALOGUE].find_one({"_id": item_id})
    if doc is None:
        raise Problem(404, f"服务清单项目不存在：{item_id} (unknown item)", code="unknown-item")
    return _view(doc)
