"""Time in state of the items residents and communities raise: when each was opened, first
claimed or answered, closed (销号), and how the people served rated it. Pure.

An *item* is what a 12345 hotline calls a 工单: a community's need (``demand.published``, kind
``need``), a resident's micro-wish (``wish.posted``; the same id becomes a demand of kind
``wish`` once approved) or a resident's suggestion (``suggestion.received``). Positions, duties
and resource projects are not items: they are not asks waiting for an answer (a position is
held for months, a duty is assigned, a project is born claimed).

Per item the state keeps only instants and scores, each set so that applying an event twice or
in another order gives the same item (``min`` of instants, ratings keyed by event id): the
projector already applies each event once, this keeps the figures exact even where events of
one item arrive on two topics (claims.wishes.v1 and claims.demands.v1) in either order.
An item belongs to the local month (Asia/Shanghai, ``gongjian_shared.localtime``) in which it was
opened, as a hotline's monthly report counts the calls it received that month; its later steps
update that month's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .periods import month_key

ITEM_KINDS = ("need", "wish", "suggestion")
ANSWERS = ("resolved", "partly", "not")  # 解决了吗: 已解决 / 部分解决 / 未解决
# An item ended this way was never a piece of work to answer: it leaves the figures (counted apart).
DROPPED = ("rejected", "withdrawn")


@dataclass(slots=True)
class Item:
    id: str
    kind: str
    place: str = "_unplaced"
    opened_at: datetime | None = None
    responded_at: datetime | None = None  # first claim (need, wish) or assignment (suggestion)
    ended: str | None = None               # rejected | withdrawn | cancelled
    closes: dict[str, datetime] = field(default_factory=dict)   # closing event id -> when (销号 / resolved)
    reopens: dict[str, datetime] = field(default_factory=dict)  # answer event id -> when ("not" reopened it)
    ratings: dict[str, int] = field(default_factory=dict)  # rating event id -> stars 1..5
    answers: dict[str, str] = field(default_factory=dict)  # resident's 解决了吗: event id -> resolved|partly|not

    @property
    def closed_at(self) -> datetime | None:
        """The last closing, while the item is closed: every reopening took one closing back.

        Counting (not ordering) closings and reopenings keeps this right whichever of the two
        topics (claims.demands.v1 closes a wish, claims.wishes.v1 reopens it) is read first."""
        return max(self.closes.values()) if len(self.closes) > len(self.reopens) else None


def _earliest(old: datetime | None, new: datetime) -> datetime:
    return new if old is None or new < old else old


def _item(state: Any, item_id: str, kind: str | None, place: str) -> Item | None:
    """The item, created on its first event; None for demands that are not items (positions…)."""
    found = state.items.get(item_id)
    if found is None:
        if kind not in ITEM_KINDS:
            return None
        found = state.items[item_id] = Item(item_id, kind, place)
    if place != "_unplaced":
        found.place = place
    return found


def _index(state: Any, item: Item, old_key: str | None) -> None:
    """Keep ``state.item_index`` ("place|YYYY-MM" -> item ids) in step with the item's month."""
    new_key = _key(item)
    if old_key == new_key:
        return
    if old_key and old_key in state.item_index:
        state.item_index[old_key].discard(item.id)
    if new_key:
        state.item_index.setdefault(new_key, set()).add(item.id)


def _key(item: Item) -> str | None:
    return f"{item.place}|{month_key(item.opened_at)}" if item.opened_at else None


def _demand_kind(data: dict[str, Any]) -> str | None:
    return "wish" if data.get("wish_id") else data.get("kind")


def _step(state: Any, ev: dict[str, Any], data: dict[str, Any], at: datetime, place: str, kind: str | None,
          item_id: str, step: str, fx: Any) -> None:
    item = _item(state, item_id, kind, place)
    if item is None:
        return
    before = _key(item)
    if step == "opened":
        item.opened_at = _earliest(item.opened_at, at)
    elif step == "responded":
        item.responded_at = _earliest(item.responded_at, at)
    elif step == "closed":
        item.closes[ev["id"]] = at
    elif step == "answered":
        answer = str(data.get("answer") or "")
        if answer in ANSWERS:
            item.answers[ev["id"]] = answer
        if data.get("reopened"):
            item.reopens[ev["id"]] = at
    elif step == "rated":
        score = data.get("score", data.get("stars", data.get("rating")))
        if score is not None:
            item.ratings[ev["id"]] = int(score)
    elif step in ("rejected", "withdrawn", "cancelled"):
        item.ended = item.ended or step
    _index(state, item, before)
    fx.places.add(item.place)


def _demand(step: str):
    def track(state, ev, data, at, place, fx):
        item_id = str(data.get("wish_id") or data.get("demand_id") or ev["subject"])
        if step == "closed" and data.get("outcome", "completed") != "completed":
            ended = "withdrawn" if data.get("outcome") == "withdrawn" else "cancelled"  # 撤回: dropped, not late
            _step(state, ev, data, at, place, _demand_kind(data), item_id, ended, fx)
            return
        _step(state, ev, data, at, place, _demand_kind(data), item_id, step, fx)
    return track


def _wish(step: str):
    def track(state, ev, data, at, place, fx):
        _step(state, ev, data, at, place, "wish", str(data.get("wish_id") or ev["subject"]), step, fx)
    return track


def _suggestion(step: str):
    # Any outcome of suggestion.resolved is 办结: the resident has an answer (a fix or a reason).
    def track(state, ev, data, at, place, fx):
        _step(state, ev, data, at, place, "suggestion", str(data.get("suggestion_id") or ev["subject"]), step, fx)
    return track


TRACKERS = {
    "demand.published": _demand("opened"), "demand.claimed": _demand("responded"),
    "demand.closed": _demand("closed"), "demand.rated": _demand("rated"),
    "wish.posted": _wish("opened"), "wish.rejected": _wish("rejected"), "wish.answered": _wish("answered"),
    "suggestion.received": _suggestion("opened"), "suggestion.assigned": _suggestion("responded"),
    "suggestion.resolved": _suggestion("closed"), "suggestion.answered": _suggestion("answered"),
}


def track(state: Any, ev: dict[str, Any], data: dict[str, Any], at: datetime, place: str, fx: Any) -> None:
    """Record the step an event marks on its item (no-op for other events)."""
    tracker = TRACKERS.get(ev["type"])
    if tracker is not None:
        tracker(state, ev, data, at, place, fx)


def items_of(state: Any, places: list[str], months: list[str]) -> list[Item]:
    """Items opened in ``months`` (local "YYYY-MM"; empty = every month) in ``places`` (leaf places)."""
    wanted = set(places)
    keys = [f"{p}|{m}" for p in places for m in months] if months else \
        [k for k in state.item_index if k.partition("|")[0] in wanted]
    return [state.items[i] for key in sorted(keys) for i in sorted(state.item_index.get(key, ()))]
