"""Which events a stream client gets: by event type and by place. Pure functions.

Types: exact short types (``demand.claimed``; the ``gongjian.`` prefix is optional) or
prefixes (``demand.*``). Places: an event belongs where its ``communityid`` (else its
``districtid``) lies in the place tree; stats snapshots and place events belong to the
place they are about. A scope matches when one of its place ids is on that path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gongjian_shared.envelope import TYPE_PREFIX
from gongjian_shared.topics import TOPICS

from .positions import PUBLIC_TOPICS

PathOf = Callable[[str], list[str] | None]


class BadFilter(ValueError):
    pass


def parse_types(raw: str | None) -> tuple[str, ...]:
    """``"demand.*, points.awarded"`` → ("demand.", "points.awarded"); empty = every type."""
    if not raw:
        return ()
    patterns = []
    known = {t for topic in PUBLIC_TOPICS for t in TOPICS[topic].event_types}
    for item in (p.strip().removeprefix(TYPE_PREFIX) for p in raw.split(",")):
        if not item:
            continue
        if item.endswith(".*"):
            item = item[:-1]
            if not any(k.startswith(item) for k in known):
                raise BadFilter(f"没有匹配的事件类型：{item}* (no event type matches)")
        elif item not in known:
            raise BadFilter(f"未知的事件类型：{item} (unknown event type)")
        patterns.append(item)
    return tuple(patterns)


def type_matches(patterns: tuple[str, ...], short_type: str) -> bool:
    if not patterns:
        return True
    return any(short_type.startswith(p) if p.endswith(".") else short_type == p for p in patterns)


def topics_for(patterns: tuple[str, ...]) -> list[str]:
    """Only the topics that can carry a wanted type need reading."""
    return [t for t in PUBLIC_TOPICS if any(type_matches(patterns, et) for et in TOPICS[t].event_types)]


def location(event: dict[str, Any], path_of: PathOf) -> list[str]:
    """The place path an event belongs to; [] for a city-wide event."""
    subject = str(event.get("subject") or "")
    about = subject.split(":", 1)[1] if ":" in subject else subject  # stats scopes: "community:<id>"
    community, district = event.get("communityid"), event.get("districtid")
    for place in (about, community):
        path = path_of(place) if place else None
        if path:
            return path
    # A community the tree does not know (yet): its district's path, then the community.
    above = (path_of(district) if district else None) or ([district] if district else [])
    return [*above, *([community] if community else [])]


@dataclass(frozen=True)
class Scope:
    """The places a client watches. ``places`` empty with ``everything`` = a city admin's whole view."""

    places: frozenset[str]
    citywide: bool  # whether city-wide events (no district, no community) belong to this view
    everything: bool = False

    def matches(self, event: dict[str, Any], path_of: PathOf) -> bool:
        if self.everything:
            return True
        path = location(event, path_of)
        if not path:
            return self.citywide
        return any(p in self.places for p in path)


def scope_of(places: Iterable[str], path_of: PathOf) -> Scope:
    ids = frozenset(places)
    citywide = any(len(path_of(p) or ()) == 1 for p in ids)  # a city sits alone on its path
    return Scope(ids, citywide)
