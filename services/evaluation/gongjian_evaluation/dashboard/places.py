"""The place tree as the dashboard needs it: an in-memory projection of registry.places.v1.

Places are few (thousands of communities for a large city) and change rarely, so a dict
rebuilt from the topic at start is enough; applying the same event twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEVELS = ("city", "district", "street", "community", "grid", "building")
# The picker stops at communities: grids and buildings are below what officials compare.
DASHBOARD_LEVELS = LEVELS[:4]


@dataclass
class Place:
    id: str
    kind: str
    name: str
    path: list[str]
    children: set[str] = field(default_factory=set)

    @property
    def parent_id(self) -> str | None:
        return self.path[-2] if len(self.path) > 1 else None


class PlaceIndex:
    def __init__(self) -> None:
        self.places: dict[str, Place] = {}

    def apply(self, event: dict[str, Any]) -> bool:
        """Apply place.created / place.updated; True if the tree changed."""
        if event.get("type", "").removeprefix("gongjian.") not in ("place.created", "place.updated"):
            return False
        data = event.get("data") or {}
        place_id = data.get("place_id") or event.get("subject")
        if not place_id:
            return False
        old = self.places.get(place_id)
        path = list(data.get("path") or (old.path if old else [place_id]))
        kind = data.get("kind") or (old.kind if old else "community")
        name = data.get("name") or (old.name if old else place_id)
        if old and (old.path, old.kind, old.name) == (path, kind, name):
            return False
        if old and old.parent_id and old.parent_id in self.places:
            self.places[old.parent_id].children.discard(place_id)
        place = Place(place_id, kind, name, path, old.children if old else set())
        self.places[place_id] = place
        if place.parent_id:
            parent = self.places.get(place.parent_id)
            if parent is None:  # the parent's own event comes later (other partition): placeholder
                parent = self.places[place.parent_id] = Place(place.parent_id, "", place.parent_id, path[:-1])
            parent.children.add(place_id)
        return True

    def path_of(self, place_id: str) -> list[str] | None:
        place = self.places.get(place_id)
        return place.path if place else None

    def get(self, place_id: str) -> Place | None:
        return self.places.get(place_id)

    def roots(self) -> list[Place]:
        return sorted((p for p in self.places.values() if len(p.path) == 1), key=lambda p: p.name)

    def children(self, place_id: str) -> list[Place]:
        place = self.places.get(place_id)
        kids = [self.places[c] for c in place.children if c in self.places] if place else []
        return sorted((k for k in kids if k.kind in DASHBOARD_LEVELS), key=lambda p: p.name)

    def descendants(self, place_id: str, kind: str) -> list[Place]:
        """Every place of ``kind`` under (or equal to) ``place_id``."""
        out, todo = [], [place_id]
        while todo:
            place = self.places.get(todo.pop())
            if place is None:
                continue
            if place.kind == kind:
                out.append(place)
            elif LEVELS.index(place.kind or "building") < LEVELS.index(kind):
                todo.extend(place.children)
        return sorted(out, key=lambda p: p.name)

    def names(self, path: list[str]) -> list[str]:
        return [self.places[p].name if p in self.places else p for p in path]

    def tree(self, place_id: str, depth: int = 3) -> dict[str, Any] | None:
        """The subtree under a place, down to communities, as nested dicts."""
        place = self.places.get(place_id)
        if place is None:
            return None
        node: dict[str, Any] = {"id": place.id, "name": place.name, "kind": place.kind}
        if depth > 0:
            node["children"] = [self.tree(c.id, depth - 1) for c in self.children(place_id)]
        return node
