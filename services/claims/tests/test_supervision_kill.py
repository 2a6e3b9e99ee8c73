"""Issue 10.1, time-based work: three claims processes run the due jobs, one is killed holding a lease.

Demands are published (bulk path, in process) at a frozen instant T0, due an hour later. Then
three claims processes start on a clock set past the deadline (``GONGJIAN_CLOCK_AT``), so every
overdue job is due at once and the three share them through their leases. As soon as one of
them holds the lease of a job not yet finished, that process is killed with SIGKILL: its job
waits for the next lease period and is run by another instance, and whatever it had staged but
not published is published by the others' outbox sweep. Counted on Kafka: each demand's
``demand.overdue`` and its overdue notice (``notice.issued``) exactly once.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from datetime import timedelta

import pytest
from gongjian_claims.adapters.store import JOB_LOG, JOURNAL, LEASES
from gongjian_claims.bootstrap import build_app
from gongjian_shared.localtime import frozen
from gongjian_shared.testing import ServiceProcess, app_client, auth, eventually, read_to_end
from gongjian_shared.topics import CLAIMS_DEMANDS, CLAIMS_NOTICES
from pymongo import AsyncMongoClient

DEMANDS = 45  # enough that every instance is busy for a while after the others start
LEASE_S = 4
T0 = "2026-12-01T02:00:00Z"
PAST_DEADLINE = "2026-12-01T03:30:00Z"  # the processes' clocks start here (due at 03:00)


@pytest.mark.timeout(400)  # three process starts and a lease period on a loaded machine
async def test_overdue_fires_once_across_three_instances_one_killed_holding_its_lease(ns, make_world):
    with frozen(T0) as clock:
        app = build_app()
        async with app_client(app) as client:
            world = make_world(ns, client, app)
            await world.setup_tree()
            c = await world.community()
            due = (clock.now() + timedelta(hours=1)).isoformat()
            rows = [{"ref": f"r{i}", "community_id": c, "category": "志愿服务", "item": "法律咨询",
                     "title": f"逾期督办{i}", "capacity": 1, "due_at": due, "remind_before_hours": 0,
                     "escalate_after_hours": 24 * 180} for i in range(DEMANDS)]
            r = await client.post("/imports/demands", json={"rows": rows}, headers=auth("community_admin", c))
            assert r.status_code == 200 and r.json()["demands"] == DEMANDS, r.text
            db = world.db
            ids = sorted(d["_id"] for d in await db["demands"].find({"community_id": c}, {"_id": 1}).to_list(None))

    env = ns.env(GONGJIAN_LOG_LEVEL="WARNING", GONGJIAN_CLOCK_AT=PAST_DEADLINE, CLAIMS_SCHEDULER_INTERVAL_S="0.2",
                 CLAIMS_JOB_LEASE_S=str(LEASE_S), GONGJIAN_OUTBOX_SWEEP_S="2")
    procs = [ServiceProcess("claims", env).launch() for _ in range(3)]
    mongo = AsyncMongoClient(ns.infra.mongodb_url)
    db = mongo[ns.db("claims")]
    try:
        overdue_jobs = [f"{d}:overdue" for d in ids]

        async def held_unfinished():
            """(pid, owner) of a process that holds the lease of a job nobody has finished yet."""
            leases = await db[LEASES].find({"job_id": {"$in": overdue_jobs}}).to_list(None)
            done = {j["_id"] for j in await db[JOB_LOG].find({"_id": {"$in": overdue_jobs}}, {"_id": 1})
                    .to_list(None)}  # read after the leases: a job listed here was not finished before
            held = [lease["owner"] for lease in leases if lease["job_id"] not in done]
            return (int(held[0].split("-")[1]), held[0]) if held else None
        pid, owner = await eventually(held_unfinished, timeout=300, interval=0.02)
        victim = next(p for p in procs if p.proc.pid == pid)
        os.kill(pid, signal.SIGKILL)
        victim.proc.wait()

        async def all_done_and_published():
            logged = await db[JOB_LOG].find({"_id": {"$in": overdue_jobs}}).to_list(None)
            pending = await db[JOURNAL].count_documents({"aggregate": {"$in": ids}, "outbox.0": {"$exists": True}})
            return logged if len(logged) == DEMANDS and pending == 0 else None
        logged = await eventually(all_done_and_published, timeout=180, interval=0.5)
        # It died holding a lease (it goes on from one due job to the next while any is left): that
        # job was run again, by another instance, in a later lease period.
        by_job = {j["_id"]: j["done_by"] for j in logged}
        its_leases = await db[LEASES].find({"owner": owner}).to_list(None)
        interrupted = [x["job_id"] for x in its_leases if by_job[x["job_id"]] != owner]
        assert interrupted, its_leases

        events = await read_to_end(ns.infra.kafka_bootstrap,
                                     [ns.topic(CLAIMS_DEMANDS), ns.topic(CLAIMS_NOTICES)])
        overdue = [e for e in events if e["type"] == "gongjian.demand.overdue"]
        notices = [e for e in events if e["type"] == "gongjian.notice.issued" and e["data"]["kind"] == "demand.overdue"]
        # Fired once: one event (one id) per demand. A record may be on Kafka twice with the same id
        # (published, then the publisher killed before it marked it: at-least-once, consumers skip
        # ids they have seen), never two events.
        assert Counter(e["subject"] for e in {e["id"]: e for e in overdue}.values()) == dict.fromkeys(ids, 1)
        assert Counter(e["data"]["subject_id"] for e in {e["id"]: e for e in notices}.values()) == dict.fromkeys(ids, 1)
        print(f"overdue records {len(overdue)}, notice records {len(notices)} for {DEMANDS} demands")
    finally:
        for p in procs:
            p.stop()
        await mongo.close()
