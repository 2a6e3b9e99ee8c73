"""The dashboard's time-in-state panel (issue 14.8): a place's figures month by month and the
month's 红黑榜 of its communities, read from the stats snapshots (``time_in_state``: local month
-> figures, as evaluation publishes them). Pure: the ranking rule is evaluation's own
(``domain/time_figures.ranking``), so the board matches ``/leaderboards/red-black``.
"""

from __future__ import annotations

from typing import Any

from ..domain.time_figures import BOARD_SIZE, WEIGHTS, ranking


def by_month(stats: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    found = (stats or {}).get("time_in_state")
    return found if isinstance(found, dict) else {}


def panel(stats: dict[str, Any] | None, communities: list[dict[str, Any]], month: str | None = None) -> dict[str, Any]:
    """``{months, month, figures, by_month, board}``; ``board`` is None for a single community.

    ``communities``: ``[{id, name, stats}]`` under the place. ``month`` defaults to the latest
    month the snapshot carries (the current local month)."""
    months = sorted(by_month(stats))
    for c in communities:  # a street's snapshot may lag its communities': take every month seen
        months = sorted(set(months) | set(by_month(c.get("stats"))))
    month = month if month in months else (months[-1] if months else None)
    rows = [{"place_id": c["id"], "name": c["name"], "figures": by_month(c.get("stats")).get(month or "", {})}
            for c in communities]
    board = ranking(rows, BOARD_SIZE) if len(rows) > 1 and month else None
    return {"months": months, "month": month, "figures": by_month(stats).get(month or ""),
            "by_month": by_month(stats), "board": board, "weights": WEIGHTS}
