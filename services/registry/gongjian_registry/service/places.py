"""Use cases on the place tree."""

from __future__ import annotations

import uuid
from typing import Any

from pymongo.errors import DuplicateKeyError

from gongjian_shared.envelope import new_event, utc_now
from gongjian_shared.outbox import with_events
from gongjian_shared.problems import Problem
from gongjian_shared.topics import REGISTRY_PLACES

from ..adapters.store import PLACES
from ..domain.places import PlaceRuleError, check_parent, district_of

SOURCE = "gongjian/registry"


async def get_place(db: Any, place_id: str) -> dict[str, Any]:
    place = await db[PLACES].find_one({"_id": place_id}, {"outbox": 0})
    if place is None:
        raise Problem(404, f"地点不存在：{place_id} (unknown place)", code="unknown-place")
    return place


async def create_place(runtime: Any, *, kind: str, name: str, parent_id: str | None, place_id: str | None,
                       acts_for: Any) -> dict[str, Any]:
    db = runtime.db
    parent = await get_place(db, parent_id) if parent_id else None
    try:
        check_parent(kind, parent["kind"] if parent else None)
    except PlaceRuleError as exc:
        raise Problem(422, str(exc), code="bad-place-level") from exc
    if not acts_for(parent["path"] if parent else []):
        raise Problem(403, "无权在该上级地点下创建地点 (outside your places)")
    place_id = place_id or f"{kind}-{uuid.uuid4().hex[:12]}"
    path = [*(parent["path"] if parent else []), place_id]
    kinds = [*(parent["path_kinds"] if parent else []), kind]
    doc = {"_id": place_id, "kind": kind, "name": name, "parent_id": parent_id, "path": path,
           "path_kinds": kinds, "created_at": utc_now()}
    event = new_event(
        source=SOURCE, type="place.created", subject=place_id,
        data={"place_id": place_id, "kind": kind, "name": name, "parent_id": parent_id, "path": path},
        districtid=district_of(path, kinds), communityid=place_id if kind == "community" else None,
    )
    try:
        await db[PLACES].insert_one(with_events(doc, REGISTRY_PLACES, [event]))
    except DuplicateKeyError as exc:
        raise Problem(409, f"地点编号已存在：{place_id} (place id taken)", code="place-exists") from exc
    runtime.notify(PLACES, place_id)
    return doc

