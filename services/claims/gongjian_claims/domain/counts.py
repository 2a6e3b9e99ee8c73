"""What the demand list totals count (pure): a demand's key, its places, the counter documents it moves.

A total of ``GET /demands`` (service/demands.py ``listing``) is the number of demands of a place
with a kind, status and category; so each demand is counted once per place it lies under, under
its key ``kind|status|category``. A counter document is one (place, shard): ``n`` maps each key
to its number of demands. The place ``*`` counts every demand (the list without ``place_id``).

Why one document per place (and shard) rather than per key: FerretDB decodes every document a
read returns, at a cost that grows with its fields (measured under load 10: a 3-field document
~1 ms, a 60-field one ~10 ms), so a city's total read from a document per key and shard (240
small documents at 5 kinds x 4 statuses x 3 categories x 4 shards) cost 100-350 ms, read from 4
shard documents it costs a fraction of that. A move then also writes one document per level.

Why shards: every change of any demand's key touches its city's counter (and the ``*`` one), so
one document would be written by every request of the city; MongoDB serialises writes to one
document (document-level concurrency, retried write conflicts), so those are spread over
4 documents, the shard fixed per demand by a hash of its id (a demand always moves the same
shard's counters, which the crash repair relies on); a district gets 2, a street or a community
(a few thousand demands) one. Not more: each shard is one more document every total reads, and on
FerretDB (SQLite writes one at a time) shards do not help writes at all.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

KEY_FIELDS = ("kind", "status", "category")
LEVEL_IDS = ("city_id", "district_id", "street_id", "community_id")
PROJECTION = {f: 1 for f in (*KEY_FIELDS, *LEVEL_IDS, "v")}  # what counting reads of a demand
ALL = "*"  # the place of every demand
# level field on the demand → shards of that level's counters
LEVELS = (("", 4), ("city_id", 4), ("district_id", 2), ("street_id", 1), ("community_id", 1))

Key = dict[str, Any]      # {kind, status, category}
Deltas = dict[str, tuple[dict[str, Any], dict[str, int]]]  # counter id → (its fields, key name → change)
_ESCAPES = (("%", "%25"), (".", "%2E"), ("$", "%24"), ("|", "%7C"))  # a key name is a field name


def key_of(demand: dict[str, Any]) -> str:
    """The demand's key as counted: ``key_name`` of its kind, status and category."""
    return key_name({f: demand.get(f) for f in KEY_FIELDS})


def touches_key(changes: Iterable[str]) -> bool:
    """Does a change ($set paths) possibly move the demand to another counter?"""
    return any(path.split(".")[0] in KEY_FIELDS for path in changes)


def places_of(demand: dict[str, Any]) -> list[dict[str, Any]]:
    """``[{p: place id, s: shard}]``: ``*`` and each level id the demand has (top-level fields)."""
    h = zlib.crc32(str(demand["_id"]).encode())
    out = []
    for field, shards in LEVELS:
        place = demand.get(field) if field else ALL
        if place:
            out.append({"p": place, "s": h % shards})
    return out


def counter_id(place: dict[str, Any]) -> str:
    return f"{place['p']}|{place['s']}"


def _escape(value: Any) -> str:
    text = "" if value is None else str(value)
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def _unescape(text: str) -> str | None:
    for raw, escaped in reversed(_ESCAPES):
        text = text.replace(escaped, raw)
    return text or None


def key_name(key: Key) -> str:
    """``kind|status|category``, each part escaped so the name is a valid field name (no ``.``/``$``)."""
    return "|".join(_escape(key[f]) for f in KEY_FIELDS)


def key_of_name(name: str) -> Key:
    return dict(zip(KEY_FIELDS, (_unescape(part) for part in name.split("|")), strict=True))


def add(deltas: Deltas, places: list[dict[str, Any]], name: str | None, by: int) -> Deltas:
    """Add ``by`` to key ``name`` at every place (nothing for None: a demand not counted yet)."""
    if name is None:
        return deltas
    for place in places:
        fields, changes = deltas.setdefault(counter_id(place), ({"place": place["p"], "shard": place["s"]}, {}))
        changes[name] = changes.get(name, 0) + by
    return deltas


def move(places: list[dict[str, Any]], old: str | None, new: str) -> Deltas:
    """The counters a demand moving from ``old`` to ``new`` changes: −1 on old's key, +1 on new's."""
    return add(add({}, places, old, -1), places, new, 1)


def matches(key: Key, *, kinds: list[str] | None, status: Any, category: str | None) -> bool:
    """Does a counted key pass a list's filter (``status``: a value or ``{"$nin"|"$in": [...]}``)?"""
    if kinds and key["kind"] not in kinds:
        return False
    if category and key["category"] != category:
        return False
    if isinstance(status, dict):
        return key["status"] not in status.get("$nin", ()) and key["status"] in status.get("$in", (key["status"],))
    return not status or key["status"] == status
