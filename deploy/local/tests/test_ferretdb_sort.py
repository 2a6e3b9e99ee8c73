"""Our FerretDB build orders filtered finds in SQLite, exactly as MongoDB orders them.

deploy/local/ferretdb/gongjian_sort.go pushes a one-field sort to SQLite when the filter is
pushed; the handler then stops after skip+limit matches. Every page is compared with a
reference written here from MongoDB's rules (BSON type order, missing = null, numbers of
all types numerically, strings byte-wise), on data chosen to break a careless order: ties,
missing and null, mixed types, numbers of several lengths and types, strings that a JSON
text order gets wrong, arrays in the filter field and in the sort field, skip.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from bson import Int64, ObjectId
from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

MISSING = object()
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SAFE_VALUES: list[Any] = [
    MISSING, None, 0, 9, 10, -3, 2.5, Int64(2**62), 1e21, -0.0, "", "ab", "ab c", "ab!",
    'a"b', "a<b", "a\\b", "aA", "共建", "Z", ObjectId(), ObjectId(), True, False,
    BASE, BASE + dt.timedelta(milliseconds=1), dt.datetime(1999, 12, 31, tzinfo=dt.UTC),
    dt.datetime(1960, 1, 1, tzinfo=dt.UTC), dt.datetime(2300, 1, 1, tzinfo=dt.UTC)]


def _docs(rng: random.Random, places: list[Any]) -> list[dict[str, Any]]:
    docs = []
    for i in range(240):
        doc: dict[str, Any] = {"_id": f"d{i:03}", "place": rng.choice(places), "kind": rng.choice("xy"),
                               "n": rng.randrange(5)}
        at = rng.choice(SAFE_VALUES[:12]) if i % 3 else BASE + dt.timedelta(minutes=rng.randrange(8))
        if at is not MISSING:
            doc["at"] = at
        docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def db(patched_ferretdb):
    database = patched_ferretdb.sortdown
    rng = random.Random(20261130)
    clean = _docs(rng, ["p1", "p1", "p2", "p3"])
    for i, value in enumerate(SAFE_VALUES):  # every tricky value at least once in p1
        clean[i]["place"] = "p1"
        clean[i].pop("at", None)
        if value is not MISSING:
            clean[i]["at"] = value
    in_filter = [dict(d) for d in clean]
    in_filter[1]["place"] = ["p1", "p9"]          # an array in the filter field
    in_sort = [dict(d) for d in clean]
    in_sort[2]["at"] = [7, -1]                    # an array in the sort field (min -1, max 7)
    stored = {"clean": clean, "array_in_filter": in_filter, "array_in_sort": in_sort}
    for name, docs in stored.items():
        database[name].insert_many(docs)
        database[name].create_index([("place", ASCENDING), ("at", DESCENDING)])
        database[name].create_index([("place", ASCENDING), ("kind", ASCENDING)])
    return database, stored


def _key(value: Any, direction: int) -> tuple:
    """MongoDB's sort key of a value (the types used here)."""
    if isinstance(value, list):
        keys = [_key(v, direction) for v in value]
        return min(keys) if direction == 1 else max(keys)
    if value is MISSING or value is None:
        return (1, 0)
    if isinstance(value, bool):
        return (8, value)
    if isinstance(value, int | float):
        return (2, value)
    if isinstance(value, str):
        return (3, value.encode())
    if isinstance(value, ObjectId):
        return (7, value.binary)
    if isinstance(value, dt.datetime):
        return (9, value.replace(tzinfo=None))
    raise AssertionError(f"no reference order for {value!r}")


def _matches(doc: dict[str, Any], flt: dict[str, Any]) -> bool:
    for field, want in flt.items():
        have = doc.get(field, MISSING)
        options = have if isinstance(have, list) else [have]
        if isinstance(want, dict) and "$in" in want:
            ok = any(o in want["$in"] for o in options)
        elif isinstance(want, dict) and "$gte" in want:
            ok = any(isinstance(o, int) and o >= want["$gte"] for o in options)
        else:
            ok = want in options
        if not ok:
            return False
    return True


FILTERS = [{"place": "p1"}, {"place": "p1", "kind": "x"}, {"place": "p1", "n": {"$gte": 2}},
           {"place": {"$in": ["p1", "p2"]}}, {"place": "p9"}, {"place": "nowhere"}]


@pytest.mark.parametrize("name", ["clean", "array_in_filter", "array_in_sort"])
@pytest.mark.parametrize("flt", FILTERS, ids=str)
@pytest.mark.parametrize(("field", "direction"), [("at", DESCENDING), ("at", ASCENDING), ("kind", ASCENDING)])
def test_pages_are_mongodbs_order(db, name, flt, field, direction):
    database, stored = db
    matches = [d for d in stored[name] if _matches(d, flt)]
    ordered = sorted(matches, key=lambda d: _key(d.get(field, MISSING), direction), reverse=direction == -1)
    expected_keys = [_key(d.get(field, MISSING), direction) for d in ordered]
    coll = database[name]
    for skip, limit in [(0, 0), (0, 1), (0, 7), (3, 7), (10, 50)]:
        got = list(coll.find(flt).sort(field, direction).skip(skip).limit(limit))
        want = expected_keys[skip:skip + limit] if limit else expected_keys[skip:]
        assert [_key(d.get(field, MISSING), direction) for d in got] == want, (skip, limit)
        assert all(_matches(d, flt) for d in got)
    pages = [d["_id"] for s in range(0, len(matches), 25) for d in coll.find(flt).sort(field, direction).skip(s).limit(25)]
    assert sorted(pages) == sorted(d["_id"] for d in matches)  # pages neither repeat nor skip a document


def _explain(coll, flt, field, direction) -> dict[str, Any]:
    return coll.database.command("explain", {"find": coll.name, "filter": flt, "sort": {field: direction},
                                             "limit": 50})


def test_the_index_gives_the_order(db):
    """(place, at) serves place = ? ORDER BY at: no sort of the candidates in SQLite or in memory."""
    database, _ = db
    for direction in (DESCENDING, ASCENDING):
        explained = _explain(database.clean, {"place": "p1"}, "at", direction)
        plan = " | ".join(explained["queryPlanner"]["Plan"])
        assert explained["sortPushdown"] is True
        assert "USING INDEX" in plan and "TEMP B-TREE" not in plan and "SCAN" not in plan, plan


def test_unique_compound_indexes_keep_their_meaning(patched_ferretdb):
    """Unique indexes keep the JSON text key: 5 and 5.0 still collide, other types do not."""
    coll = patched_ferretdb.sortdown.unique
    coll.create_index([("a", ASCENDING), ("b", ASCENDING)], unique=True)
    coll.insert_many([{"a": "k", "b": 5}, {"a": "k", "b": "5"}, {"a": "k", "b": True}])
    with pytest.raises(DuplicateKeyError):
        coll.insert_one({"a": "k", "b": 5.0})
    assert coll.count_documents({"a": "k"}) == 3
