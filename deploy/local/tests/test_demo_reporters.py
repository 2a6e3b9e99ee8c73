"""The members who report before the demo week (and so serve in it) come from every community of the
demo city, the busiest most of all: its admin (``shuji``, demo_portal.busiest) opens the console on it
and must see points and a year-end ranking, not 267 members at 0 (issue 15.4)."""

from __future__ import annotations

from collections import Counter

from gongjian_local.demo_city import FIRST_REPORTS, first_reporters
from gongjian_registry.demo_city import COMMUNITIES, member_rows


def _registered() -> tuple[list[str], list[tuple[str, str]]]:
    """The demo city's communities and its members as load_city reads them back: community by community."""
    ids = {name: cid for cid, name, _ in COMMUNITIES}
    by_community: dict[str, list[tuple[str, str]]] = {cid: [] for cid in ids.values()}
    for n, row in enumerate(member_rows()):
        by_community[ids[row[6]]].append((f"member-{n}", ids[row[6]]))
    return list(by_community), [m for rows in by_community.values() for m in rows]


def test_first_reporters_come_from_every_community_busiest_first():
    communities, members = _registered()
    sizes = Counter(c for _, c in members)
    busiest = max(communities, key=lambda c: sizes[c])
    assert busiest == "tj-c8" and sizes[busiest] == 267  # 东兴社区, 8th of the 9: past the first 500 in order

    order, first, later = first_reporters(communities, members, FIRST_REPORTS)
    assert order[0] == busiest and sorted(order) == sorted(communities)
    assert len(first) == FIRST_REPORTS and not set(first) & set(later)
    assert len(first) + len(later) == len(members) - len(members[::10])  # one in ten never reports
    serving = Counter(c for _, c in first)
    # Dealt out in turn: every community gets its share (500 / 9 → 55 or 56), the busiest no fewer than any.
    assert min(serving.values()) >= FIRST_REPORTS // len(communities), serving
    assert serving[busiest] == max(serving.values()), serving
    assert {c for _, c in first} <= {c for _, c in members} and all((m, c) in set(members) for m, c in first)
