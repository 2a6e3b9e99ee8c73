"""The projector: applies consumed batches to the in-memory state and journals them, exactly once.

Several instances share one consumer group, so each consumes some partitions, and one journal
(adapters/journal.py), a single ordered log in the database. Every instance folds the whole
journal into its state, so all instances hold the same state, whichever of them consumed an event.
To apply a batch an instance first reads the journal documents it has not folded yet, then applies
the batch and appends it as the next document. If another instance appended that seq first (the
insert meets DuplicateKeyError), the state is reloaded and the batch tried again on top.

Exactly once per input event: a record at or below the offset already applied for its partition
is skipped (redelivery, also after the partition moved to another instance: the offsets are part
of the shared state), and an event id seen before is skipped (the same event published twice).
Folding another instance's document takes its points from the awards it recorded, so a rule
version this instance has not loaded yet cannot make two instances disagree.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
import uuid
from collections.abc import Iterable
from typing import Any

from gongjian_shared.envelope import CloudEvent, rfc3339, utc_now
from gongjian_shared.topics import EVALUATION_LEDGER
from pymongo.errors import DuplicateKeyError

from ..adapters import checkpoint, journal
from ..adapters.store import JOURNAL, RULES
from ..domain.ledger import Decider, decide_with_caps, facts_decider
from ..domain.points import DEFAULT_RULES, RuleVersion, rules_from_doc
from ..domain.project import Ctx, Effects, apply
from ..domain.state import State

log = logging.getLogger("gongjian.evaluation.projector")
APPEND_ATTEMPTS = 50  # appends lost to other instances before a batch gives up (and is redelivered)
SOURCE = "gongjian/evaluation"
KEEP = ("id", "type", "time", "subject", "data", "districtid", "communityid", "correlationid")


def compact(event: CloudEvent | dict[str, Any]) -> dict[str, Any]:
    doc = event.to_dict() if isinstance(event, CloudEvent) else event
    out = {k: doc.get(k) for k in KEEP}
    out["type"] = str(out["type"]).removeprefix("gongjian.")
    return out


class Projector:
    def __init__(self, db: Any, *, relay: Any = None, checkpoint_every: int = 500,
                 decide: Decider = decide_with_caps) -> None:
        self.db = db
        self.relay = relay  # JournalRelay: publishes each journal document's events
        self.state = State()
        self.rules: list[RuleVersion] = [DEFAULT_RULES]
        self.lock = asyncio.Lock()
        self.seq = 0
        self.decide = decide
        self.checkpoint_every = checkpoint_every
        self.listeners: list[Any] = []  # called with (Effects, own) after each batch applied or folded
        self.applied_events = 0

    def ctx(self) -> Ctx:
        return Ctx(self.rules, self.decide)

    async def load_rules(self) -> None:
        docs = await self.db[RULES].find({}).to_list(None)
        self.rules = [DEFAULT_RULES, *(rules_from_doc(d) for d in docs if int(d["version"]) != 1)]

    async def load(self) -> None:
        """Checkpoint, then every journal document after it, in order."""
        await self.load_rules()
        started = time.monotonic()
        for _ in range(10):
            with contextlib.suppress(checkpoint.Torn):
                loaded = await checkpoint.read(self.db)
                self.state, self.seq = loaded if loaded else (State(), 0)
                if await self._fold(await journal.after(self.db, self.seq), notify=False):
                    break
        else:
            raise RuntimeError("the journal kept moving under the checkpoint; giving up loading")
        log.info("state loaded: seq %s in %.1fs", self.seq, time.monotonic() - started)

    async def catch_up(self) -> int:
        """Fold the journal documents other instances appended since this one last read. Under ``lock``."""
        before = self.seq
        if not await self._fold(await journal.after(self.db, self.seq)):
            await self.load()  # a checkpoint covered documents this instance never read
        return self.seq - before

    async def _fold(self, docs: list[dict[str, Any]], notify: bool = True) -> bool:
        """Replay ``docs`` (contiguous after ``seq``); False at a gap (they were pruned meanwhile)."""
        fx = Effects()
        for doc in docs:
            if doc["seq"] != self.seq + 1:
                return False
            self._replay(doc, fx)
        if docs and notify:
            await self._notify(fx, own=False)
        return True

    def _replay(self, doc: dict[str, Any], fx: Effects) -> None:
        facts = {o["event"]["data"]["entry_id"]: o["event"]["data"] for o in doc.get("outbox", [])
                 if o["event"]["data"].get("entry_id")}
        ctx = Ctx(self.rules, facts_decider(facts, [])) if facts else self.ctx()
        for ev in doc.get("events", []):
            self.state.first_time(ev["id"])
            apply(self.state, ev, ctx, fx)
        self.state.applied.update(doc["applied"])
        self.state.commands.update(doc["commands"])
        self.seq = doc["seq"]

    async def apply_records(self, records: Iterable[tuple[str, int, dict[str, Any]]]) -> Effects:
        """``records`` = (topic:partition, offset, event) in consumption order."""
        records = list(records)
        async with self.lock:
            for _ in range(APPEND_ATTEMPTS):
                await self.catch_up()
                fx, events, applied = Effects(), [], {}
                for tp, offset, ev in records:
                    if offset <= self.state.applied.get(tp, -1) or offset <= applied.get(tp, -1):
                        continue  # redelivered: already applied (here or by another instance)
                    applied[tp] = offset
                    if not self.state.first_time(ev["id"]):
                        continue  # the same event published twice
                    apply(self.state, ev, self.ctx(), fx)
                    events.append(ev)
                if not applied:
                    return fx
                if await self._journal(events, applied, [], fx):
                    break
            else:
                raise RuntimeError("journal append kept losing to other instances")
            self.state.applied.update(applied)
            self.applied_events += len(events)
            # The state is long-lived and nearly free of cycles: keep it out of the cyclic collector's
            # full passes, which otherwise grow with it (refcounting still frees what is dropped; a
            # full collection runs at each checkpoint for the rare cycle that was frozen).
            gc.freeze()
        await self._after(fx)
        return fx

    async def apply_command(self, command: dict[str, Any]) -> Effects:
        """An HTTP command (joint activity, correction) goes through the same journal as the events."""
        async with self.lock:
            for _ in range(APPEND_ATTEMPTS):
                await self.catch_up()
                if command["id"] in self.state.commands:
                    return Effects()
                fx = Effects()
                apply(self.state, command, self.ctx(), fx)
                self.state.commands.add(command["id"])
                if await self._journal([command], {}, [command["id"]], fx):
                    break
            else:
                raise RuntimeError("journal append kept losing to other instances")
        await self._after(fx)
        return fx

    async def _journal(self, events: list[dict[str, Any]], applied: dict[str, int], commands: list[str],
                       fx: Effects) -> bool:
        """Append the next document; False if another instance took that seq (the state is reloaded)."""
        by_id = {c["id"]: c for c in events}
        outbox = [{"topic": EVALUATION_LEDGER, "event": self._event(spec, by_id)} for spec in fx.events]
        seq = self.seq + 1
        try:
            await self.db[JOURNAL].insert_one(journal.encode(seq, events=events, outbox=outbox, applied=applied,
                                                             commands=commands))
        except DuplicateKeyError:
            await self.load()  # the state holds this batch on top of a seq it lost: start from the journal
            return False
        except Exception:
            log.exception("journal write failed; reloading state so the redelivered batch applies cleanly")
            await self.load()
            raise
        self.seq = seq
        if self.relay is not None and outbox:
            self.relay.submit(seq, outbox)
        return True

    @staticmethod
    def _event(spec: dict[str, Any], causes: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """A CloudEvent (as its JSON dict) caused by the event or command that earned the points."""
        source_id = str(spec["data"].get("source_event_id", ""))
        cause = causes.get(source_id) or causes.get(source_id.split(":")[0])
        event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": SOURCE, "type": f"gongjian.{spec['type']}",
                 "subject": spec["subject"], "time": rfc3339(utc_now()), "datacontenttype": "application/json",
                 "data": spec["data"], "districtid": spec.get("districtid"), "communityid": spec.get("communityid")}
        if cause is not None:
            event["correlationid"] = cause.get("correlationid") or cause["id"]
            event["causationid"] = cause["id"]
        else:
            event["correlationid"] = event["id"]
        return event

    async def _after(self, fx: Effects) -> None:
        await self._notify(fx, own=True)
        if self.seq and self.seq % self.checkpoint_every == 0:
            await self.checkpoint()

    async def _notify(self, fx: Effects, *, own: bool) -> None:
        """Listeners see every change of the state; ``own`` = this instance applied it (its side effects)."""
        for listener in self.listeners:
            await listener(fx, own)

    async def checkpoint(self) -> None:
        async with self.lock:
            await checkpoint.write(self.db, self.state, self.seq)
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    async def sync(self) -> None:
        """Fold what other instances appended, now (before a read that must be current)."""
        async with self.lock:
            await self.catch_up()

    async def follow(self, interval: float, rules_every: int = 10) -> None:
        """Keep folding what other instances append, so reads here are never more than ``interval`` behind;
        reload the rule versions every ``rules_every`` rounds (another instance may have added one)."""
        rounds = 0
        while True:
            await asyncio.sleep(interval)
            rounds += 1
            try:
                await self.sync()
                if rounds % rules_every == 0:
                    async with self.lock:
                        await self.load_rules()
            except Exception as exc:  # noqa: BLE001 - the next round tries again
                log.warning("journal follow failed: %s", exc)
