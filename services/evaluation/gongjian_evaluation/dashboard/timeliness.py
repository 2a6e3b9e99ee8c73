"""The dashboard's time-in-state panel (issue 14.8): a place's figures month by month and the
month's 红黑榜 of its communities, read from the stats snapshots (``time_in_state``: local month
-> figures, as evaluation publishes them). Pure: the ranking rule is evaluation's own
(``domain/time_figures.ranking``), so the board matches ``/leaderboards/red-black``.
"""

from __future__ import annotations

from typing import Any

from ..domain.time_figures import BOARD_SIZE, WEIGHTS, ranking


def by_month(stats: dict[str, Any] | None, key: str = "time_in_state") -> dict[str, dict[str, Any]]:
    """The snapshot's ``key`` (local month -> figures); empty when it has none."""
    found = (stats or {}).get(key)
    return found if isinstance(found, dict) else {}


def months_and_month(stats: dict[str, Any] | None, communities: list[dict[str, Any]], month: str | None,
                     key: str = "time_in_state") -> tuple[list[str], str | None]:
    """Every month the place's or its communities' snapshots carry (a street's snapshot may lag its
    communities'), and ``month`` if among them, else the latest."""
    months = set(by_month(stats, key))
    for c in communities:
        months |= set(by_month(c.get("stats"), key))
    ordered = sorted(months)
    return ordered, month if month in months else (ordered[-1] if ordered else None)


def panel(stats: dict[str, Any] | None, communities: list[dict[str, Any]], month: str | None = None) -> dict[str, Any]:
    """``{months, month, figures, by_month, board}``; ``board`` is None for a single community.

    ``communities``: ``[{id, name, stats}]`` under the place. ``month`` defaults to the latest
    month the snapshot carries (the current local month)."""
    months, month = months_and_month(stats, communities, month)
    rows = [{"place_id": c["id"], "name": c["name"], "figures": by_month(c.get("stats")).get(month or "", {})}
            for c in communities]
    board = ranking(rows, BOARD_SIZE) if len(rows) > 1 and month else None
    return {"months": months, "month": month, "figures": by_month(stats).get(month or ""),
            "by_month": by_month(stats), "board": board, "weights": WEIGHTS}
