"""Report tables of the time-in-state figures (issue 14.8): Chinese headers with units, rates as
percentages, first-claim times in 小时 and close times in 天 (the glossary's words)."""

from __future__ import annotations

from typing import Any

from ..domain import glossary

Table = tuple[str, list[str], list[list[Any]]]
COLUMNS = ("items_received", "items_open", "response_rate", "closure_rate", "satisfaction_rate", "resolved_rate",
           "first_claim_hours_median", "close_days_median", "composite_score")


def header(first: str) -> list[str]:
    return [first] + [glossary.label(k) if not glossary.BY_KEY[k].percent else glossary.BY_KEY[k].label
                      for k in COLUMNS]


def row(name: str, figures: dict[str, Any]) -> list[Any]:
    return [name] + [glossary.show(k, figures.get(k)) for k in COLUMNS]


def summary(figures: dict[str, Any]) -> Table:
    """The place's own figures, one line per figure (with the mean next to the median)."""
    rows = [[glossary.label(f.key), glossary.show(f.key, figures.get(f.key))] for f in glossary.TIME_FIGURES]
    rows.append(["响应时限（小时）", glossary.show("", figures.get("response_hours_limit"))])
    return ("诉求时效与满意度", ["指标", "数值"], rows)


def children(rows: list[dict[str, Any]]) -> Table:
    return ("下级地点诉求时效", header("地点"),
            [row(c["name"] or c["place_id"], c.get("time_in_state") or {}) for c in rows])


def board(found: dict[str, Any]) -> list[Table]:
    """红榜 and 黑榜 of a month, each with the rank and the composite's parts."""
    def lines(rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [[r["rank"], *row(r["name"] or r["place_id"], r["figures"])] for r in rows]

    head = ["名次", *header("社区")]
    return [(f"{found['month']} 红榜（综合得分最高）", head, lines(found["red"])),
            (f"{found['month']} 黑榜（综合得分最低）", head, lines(found["black"]))]
