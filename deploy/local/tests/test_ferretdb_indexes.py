"""Our FerretDB build answers filters from its indexes and still finds every match.

deploy/local/ferretdb/gongjian_pushdown.go pushes equality filters down to SQLite with the
index's own expression. These tests run a server from the current build (own port and
state dir), so they check this checkout's patches whatever build the shared server runs.
"""

from __future__ import annotations

import time

import pytest
from bson import Int64, ObjectId
from gongjian_local.infra import InfraConfig, cache_root, ferretdb, free_port
from gongjian_local.infra.ports import connected_clients
from gongjian_local.infra.procs import is_alive, quiet_log, stop
from gongjian_local.infra.stack import keep_or_stop_outdated
from pymongo import MongoClient

OID = ObjectId()


@pytest.fixture(scope="module")
def server(patched_ferretdb):
    return patched_ferretdb


@pytest.fixture(scope="module")
def docs(server):
    coll = server.pushdown.docs
    coll.insert_many([
        {"_id": "s1", "f": "a", "n": 5, "b": True},
        {"_id": "s2", "f": "b", "n": 5.0, "b": False},
        {"_id": "s3", "f": ["x", "a"], "n": Int64(5), "b": [True]},
        {"_id": "s4", "f": {"g": "a"}, "n": [1, 5], "nested": {"g": "a"}},
        {"_id": "s5", "f": "a<&>\"引号\"", "n": 0.0, "nested": [{"g": "a"}]},
        {"_id": OID, "f": OID, "n": -0.0},
        {"_id": "s7", "f": None, "n": 6},
        {"_id": "s8", "n": "5"},
    ])
    coll.create_index("f")
    coll.create_index("n")
    coll.create_index("b")
    coll.create_index("nested.g")
    return coll


@pytest.mark.parametrize(("flt", "expected"), [
    ({"_id": "s2"}, {"s2"}),
    ({"_id": OID}, {OID}),
    ({"_id": {"$in": ["s1", "s3", "nope"]}}, {"s1", "s3"}),
    ({"f": "a"}, {"s1", "s3"}),                       # an array holding the value matches
    ({"f": {"$eq": "a"}}, {"s1", "s3"}),
    ({"f": {"$in": ["b", "x"]}}, {"s2", "s3"}),
    ({"f": 'a<&>"引号"'}, {"s5"}),                    # escaped characters, non-ASCII
    ({"f": OID}, {OID}),
    ({"n": 5}, {"s1", "s2", "s3", "s4"}),              # int32, double, int64, array element
    ({"n": Int64(5)}, {"s1", "s2", "s3", "s4"}),
    ({"n": 0}, {"s5", OID}),                          # 0 matches 0.0 and -0.0 (not pushed)
    ({"b": True}, {"s1", "s3"}),
    ({"b": False}, {"s2"}),
    ({"f": "a", "n": 5}, {"s1", "s3"}),                # several pushed fields at once
    ({"f": "a", "_id": "s3"}, {"s3"}),
    ({"nested.g": "a"}, {"s4", "s5"}),                # dotted paths: not pushed, still right
    ({"f": None}, {"s7", "s8"}),
    ({"f": {"$ne": "a"}}, {"s2", "s4", "s5", OID, "s7", "s8"}),
])
def test_every_match_is_found(docs, flt, expected):
    assert {d["_id"] for d in docs.find(flt)} == expected
    assert docs.count_documents(flt) == len(expected)


def _plan(coll, flt) -> str:
    explained = coll.database.command("explain", {"find": coll.name, "filter": flt})
    return " | ".join(explained["queryPlanner"]["Plan"])


@pytest.mark.parametrize("flt", [{"_id": "s1"}, {"_id": {"$in": ["s1", "s2"]}}, {"f": "a"},
                                 {"f": {"$in": ["a", "b"]}}, {"n": 5}, {"b": True}, {"f": "a", "n": 5}])
def test_lookups_use_an_index(docs, flt):
    plan = _plan(docs, flt)
    assert "USING INDEX" in plan and "SCAN" not in plan, plan


def test_updates_by_id_and_by_indexed_field_change_the_right_document(server):
    coll = server.pushdown.updates
    coll.create_index("code", unique=True)
    coll.insert_many([{"_id": f"u{i}", "code": f"k{i}", "v": 0} for i in range(200)])
    assert coll.update_one({"_id": "u7"}, {"$inc": {"v": 1}}).modified_count == 1
    assert coll.update_one({"code": "k9"}, {"$inc": {"v": 2}}).modified_count == 1
    assert coll.find_one_and_update({"code": "k11"}, {"$set": {"v": 3}})["_id"] == "u11"
    assert {d["_id"]: d["v"] for d in coll.find({"v": {"$gt": 0}})} == {"u7": 1, "u9": 2, "u11": 3}
    assert coll.delete_one({"code": "k7"}).deleted_count == 1
    assert coll.count_documents({}) == 199


def test_a_server_from_older_patches_is_kept_while_in_use_then_restarted(tmp_path, start_ferretdb):
    cache = tmp_path / "cache"
    current = ferretdb.provision(cache_root(), quiet_log)
    old = cache / "ferretdb-v1.24.2-gj-0ld" / "ferretdb"
    old.parent.mkdir(parents=True)
    old.symlink_to(current)  # same program, but named as a build from other patches
    config = InfraConfig(tmp_path / "state", 0, 0, free_port(), cache_dir=cache)
    pid = start_ferretdb(config, old)
    try:
        assert ferretdb.outdated_build(pid, cache) == old
        client = MongoClient(config.mongodb_url)
        client.admin.command("ping")
        messages: list[str] = []
        assert keep_or_stop_outdated(config, pid, False, messages.append) == pid
        assert is_alive(pid) and "older patches" in messages[0]
        client.close()
        deadline = time.monotonic() + 30
        while connected_clients(config.mongo_port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert keep_or_stop_outdated(config, pid, False, messages.append) is None
        assert not is_alive(pid)
    finally:
        stop(pid, timeout=10)
