"""Row-level work of the two imports (members, units): validate into a plan, write it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from gongjian_shared.topics import REGISTRY_MEMBERS, REGISTRY_UNITS

from ..adapters.crypto import member_id_for
from ..adapters.store import MEMBERS, UNITS
from ..domain import importing
from ..domain.importing import RowError
from . import events
from .batch_outbox import write_batch
from .import_refs import existing_members, existing_units, load_refs
from .members import new_member_doc
from .units import new_unit_doc, unit_id_for

Progress = Callable[[int], Awaitable[None]]


@dataclass
class Plan:
    new: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    refs: Any = None


Rows = list[tuple[int, list[str], frozenset[str]]]  # (sheet row number, cells, columns typed as numbers)


async def _parse(rows: Rows, index: dict[str, int], refs: Any, parse: Any, key: Any,
                 progress: Progress) -> tuple[Plan, dict[str, int]]:
    plan, first_row = Plan(refs=refs), {}
    for i, (n, row, numbers) in enumerate(rows):
        fields, errors = parse(n, row, index, refs, numbers)
        if fields is not None:
            fields["_id"], fields["_row"] = key(fields), n
            if fields["_id"] in first_row:
                errors = [_duplicate_in_file(parse, n, first_row[fields["_id"]])]
            else:
                first_row[fields["_id"]] = n
                plan.new.append(fields)
        plan.errors.extend(errors)
        if i % 1000 == 999:
            await asyncio.sleep(0)  # let progress polls through
        if i % 10000 == 9999:
            await progress(i + 1)
    return plan, first_row


def _duplicate_in_file(parse: Any, n: int, first: int) -> RowError:
    if parse is importing.parse_member_row:
        return RowError(n, "身份证号", f"与第{first}行身份证号重复，同一人不能登记两次 (duplicate person in file)")
    return RowError(n, "单位名称", f"与第{first}行单位名称重复 (duplicate unit in file)")


class MemberImport:
    headers, required = importing.MEMBER_HEADERS, importing.MEMBER_REQUIRED

    @staticmethod
    async def validate(db: Any, vault: Any, rows: Rows, index: dict[str, int], acts_for: Any,
                       job_id: str, progress: Progress) -> Plan:
        refs = await load_refs(db, acts_for)
        key = lambda f: member_id_for(vault.person_key(f["id_number"]))  # noqa: E731
        plan, _ = await _parse(rows, index, refs, importing.parse_member_row, key, progress)
        found = await existing_members(db, [f["_id"] for f in plan.new])
        fresh = []
        for f in plan.new:
            old = found.get(f["_id"])
            if old is None:
                fresh.append(f)
            elif old["name"] == f["name"]:
                plan.skipped += 1  # same person, already registered: importing again changes nothing
            else:
                plan.errors.append(RowError(f["_row"], "身份证号", "该身份证号已登记为其他党员（姓名不一致），同一人不能重复登记 (duplicate person)"))
        plan.new = fresh
        plan.errors.sort(key=lambda e: (e.row, e.column))
        return plan

    @staticmethod
    def _build(vault: Any, plan: Plan, chunk: list[dict[str, Any]], job_id: str) -> tuple[list, list]:
        docs, evs = [], []
        for f in chunk:
            secrets = {"id_enc": vault.encrypt(f["id_number"]), "phone_enc": vault.encrypt(f["phone"]),
                       "phone_index": vault.phone_index(f["phone"]), "person_key": None}
            doc = new_member_doc(f, secrets, job=job_id)
            doc["_id"] = f["_id"]
            docs.append(doc)
            evs.append(events.member_registered(doc, plan.refs.communities[f["home_community_id"]]))
        return docs, evs

    @staticmethod
    async def write(runtime: Any, plan: Plan, job_id: str, written: Any) -> tuple[int, int]:
        """Batches go to the database one after another (one writer); the next batch is
        built (encryption, events) in a thread meanwhile, so CPU and database overlap."""
        vault, size = runtime.state["vault"], runtime.settings.import_batch_size
        chunks = [plan.new[i:i + size] for i in range(0, len(plan.new), size)]
        created = existing = done = 0
        pending = asyncio.create_task(asyncio.to_thread(MemberImport._build, vault, plan, chunks[0], job_id)) if chunks else None
        for b in range(len(chunks)):
            docs, evs = await pending
            if b + 1 < len(chunks):
                pending = asyncio.create_task(asyncio.to_thread(MemberImport._build, vault, plan, chunks[b + 1], job_id))
            inserted, dup = await write_batch(runtime, batch_id=f"{job_id}-{b:05d}", job_id=job_id, collection=MEMBERS,
                                              docs=docs, topic=REGISTRY_MEMBERS, events=evs)
            created, existing, done = created + len(inserted), existing + len(dup), done + len(docs)
            await written(done, created)
        return created, existing


class UnitImport:
    headers, required = importing.UNIT_HEADERS, importing.UNIT_REQUIRED

    @staticmethod
    async def validate(db: Any, vault: Any, rows: Rows, index: dict[str, int], acts_for: Any,
                       job_id: str, progress: Progress) -> Plan:
        refs = await load_refs(db, acts_for)
        plan, _ = await _parse(rows, index, refs, importing.parse_unit_row, lambda f: unit_id_for(f["name"]), progress)
        found = await existing_units(db, [f["_id"] for f in plan.new])
        fresh = []
        for f in plan.new:
            old = found.get(f["_id"])
            if old is None:
                fresh.append(f)
            elif old.get("paired_community_id") == f["paired_community_id"]:
                plan.skipped += 1
            else:
                plan.errors.append(RowError(f["_row"], "单位名称", "该单位已登记并结对其他社区 (unit already paired elsewhere)"))
        plan.new = fresh
        plan.errors.sort(key=lambda e: (e.row, e.column))
        return plan

    @staticmethod
    async def write(runtime: Any, plan: Plan, job_id: str, written: Any) -> tuple[int, int]:
        docs = [new_unit_doc(f, job=job_id) for f in plan.new]
        if not docs:
            return 0, 0
        evs = [events.unit_registered(d, plan.refs.communities[d["paired_community_id"]]) for d in docs]
        inserted, dup = await write_batch(runtime, batch_id=f"{job_id}-00000", job_id=job_id, collection=UNITS,
                                          docs=docs, topic=REGISTRY_UNITS, events=evs)
        await written(len(docs), len(inserted))
        return len(inserted), len(dup)


SPECS = {"members": MemberImport, "units": UnitImport}
