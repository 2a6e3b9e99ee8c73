"""The dashboard's 岗位服务 panel (issue 14.2): shifts held, sign-ups, attendance rate and hours of a
place month by month, and each community's figures for the month shown. Pure: read from the
stats snapshots (``shifts``: local month -> figures, as evaluation publishes them).
"""

from __future__ import annotations

from typing import Any


from .timeliness import by_month, months_and_month

KEY = "shifts"


def panel(stats: dict[str, Any] | None, communities: list[dict[str, Any]], month: str | None = None) -> dict[str, Any]:
    """``{months, month, figures, by_month, communities: [{place_id, name, figures}]}``.

    ``communities``: ``[{id, name, stats}]`` under the place; ``month`` defaults to the latest
    month the snapshot carries (the current local month). Communities without sign-ups that
    month are left out of the list."""
    months, month = months_and_month(stats, communities, month, KEY)
    rows = [{"place_id": c["id"], "name": c["name"], "figures": by_month(c.get("stats"), KEY).get(month or "", {})}
            for c in communities]
    rows = sorted((r for r in rows if r["figures"].get("shift_signups")), key=lambda r: (-r["figures"]["shift_signups"],
                                                                                       r["name"]))
    return {"months": months, "month": month, "figures": by_month(stats, KEY).get(month or ""),
            "by_month": by_month(stats, KEY), "communities": rows}
