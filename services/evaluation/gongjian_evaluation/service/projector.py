"""The projector: applies consumed batches to the in-memory state and journals them, exactly once.

Exactly once per input event: a record at or below the offset already applied for its partition
is skipped (redelivery), and an event id seen before is skipped (the same event published twice).
A batch's effect is ONE insert: the journal document with the events applied, the new offsets and
the outgoing events (outbox). If that insert fails the state is reloaded and the batch redelivered.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import uuid
from collections.abc import Iterable
from typing import Any

from gongjian_shared.envelope import CloudEvent, rfc3339, utc_now
from gongjian_shared.topics import EVALUATION_LEDGER

from ..adapters import checkpoint, journal
from ..adapters.store import JOURNAL, RULES
from ..domain.ledger import Decider, decide_with_caps
from ..domain.points import DEFAULT_RULES, RuleVersion, rules_from_doc
from ..domain.project import Ctx, Effects, apply
from ..domain.state import State

log = logging.getLogger("gongjian.evaluation.projector")
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
        self.listeners: list[Any] = []  # called with Effects after each applied batch
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
        loaded = await checkpoint.read(self.db)
        self.state, self.seq = loaded if loaded else (State(), 0)
        replayed = 0
        for doc in await journal.after(self.db, self.seq):
            self._replay(doc)
            replayed += 1
        log.info("state loaded: checkpoint seq %s + %d journal docs in %.1fs", self.seq, replayed,
                 time.monotonic() - started)

    def _replay(self, doc: dict[str, Any]) -> None:
        fx = Effects()
        for ev in doc.get("events", []):
            self.state.first_time(ev["id"])
            apply(self.state, ev, self.ctx(), fx)
        self.state.applied.update(doc["applied"])
        self.state.commands.update(doc["commands"])
        self.seq = max(self.seq, doc["seq"])

    async def apply_records(self, records: Iterable[tuple[str, int, dict[str, Any]]]) -> Effects:
        """``records`` = (topic:partition, offset, event) in consumption order."""
        async with self.lock:
            fx, events, applied = Effects(), [], {}
            for tp, offset, ev in records:
                if offset <= self.state.applied.get(tp, -1) or offset <= applied.get(tp, -1):
                    continue  # redelivered: already applied
                applied[tp] = offset
                if not self.state.first_time(ev["id"]):
                    continue  # the same event published twice
                apply(self.state, ev, self.ctx(), fx)
                events.append(ev)
            if not applied:
                return fx
            await self._journal(events, applied, [], fx)
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
            if command["id"] in self.state.commands:
                return Effects()
            fx = Effects()
            apply(self.state, command, self.ctx(), fx)
            self.state.commands.add(command["id"])
            await self._journal([command], {}, [command["id"]], fx)
        await self._after(fx)
        return fx

    async def _journal(self, events: list[dict[str, Any]], applied: dict[str, int], commands: list[str],
                       fx: Effects) -> None:
        by_id = {c["id"]: c for c in events}
        outbox = [{"topic": EVALUATION_LEDGER, "event": self._event(spec, by_id)} for spec in fx.events]
        seq = self.seq + 1
        try:
            await self.db[JOURNAL].insert_one(journal.encode(seq, events=events, outbox=outbox, applied=applied,
                                                             commands=commands))
        except Exception:
            log.exception("journal write failed; reloading state so the redelivered batch applies cleanly")
            await self.load()
            raise
        self.seq = seq
        if self.relay is not None:
            self.relay.submit(seq, outbox)

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
        for listener in self.listeners:
            await listener(fx)
        if self.seq and self.seq % self.checkpoint_every == 0:
            await self.checkpoint()

    async def checkpoint(self) -> None:
        async with self.lock:
            await checkpoint.write(self.db, self.state, self.seq)
            gc.unfreeze()
            gc.collect()
            gc.freeze()
