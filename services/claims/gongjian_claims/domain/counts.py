"""What the demand list totals count (pure): a demand's key, its places, the counter documents it moves.

A total of ``GET /demands`` (service/demands.py ``listing``) is the number of demands of a place
with a kind, status and category; so each demand is counted once per place it lies under, in the
counter of its key ``(kind, status, category)``. A counter document is one (place, shard, key):
``n`` demands. The place ``*`` counts every demand (the list without ``place_id``).

Why shards: every change of any demand's key touches its city's counter (and the ``*`` one), so
one document per key would be written by every request of the city; MongoDB serialises writes to
one document (document-level concurrency, retried write conflicts), so those are spread over
``SHARDS`` documents, the shard fixed per demand by a hash of its id (a demand always moves the same
shard's counters, which the crash repair relies on). A district gets fewer, a street or a
community (a few thousand demands) one. Reads sum the shards: a few hundred small documents.
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
Deltas = dict[str, tuple[dict[str, Any], int]]  # counter id → (its fields, change of n)


def key_of(demand: dict[str, Any]) -> Key:
    return {f: demand.get(f) for f in KEY_FIELDS}


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


def counter_id(place: dict[str, Any], key: Key) -> str:
    return "|".join([place["p"], str(place["s"]), *(str(key[f]) for f in KEY_FIELDS)])


def add(deltas: Deltas, places: list[dict[str, Any]], key: Key | None, by: int) -> Deltas:
    """Add ``by`` to ``key``'s counter at every place (nothing for ``key`` None: a demand not counted yet)."""
    if key is None:
        return deltas
    for place in places:
        cid = counter_id(place, key)
        fields, n = deltas.get(cid, ({"place": place["p"], **key}, 0))
        deltas[cid] = (fields, n + by)
    return deltas


def move(places: list[dict[str, Any]], old: Key | None, new: Key) -> Deltas:
    """The counters a demand moving from ``old`` to ``new`` changes: −1 on old's, +1 on new's."""
    return add(add({}, places, old, -1), places, new, 1)
