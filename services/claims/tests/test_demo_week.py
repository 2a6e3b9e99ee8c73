"""The demo week plays through the HTTP API: demands, wishes, claims, fulfilment, verification."""

from __future__ import annotations

import re

from gongjian_claims.demo_week import DAY_LABELS, play_week
from gongjian_shared.testing import dev_token


async def test_a_week_of_activity(world):
    communities = [await world.community(name="演示社区") for _ in range(2)]
    members = []
    for community in communities:
        members += await world.members(community, 12, specialties=("法律",))
    unit = await world.unit(communities[0])
    lines: list[str] = []
    summary = await play_week("http://testserver", token=dev_token, community_ids=communities, member_ids=members,
                              unit_ids=[unit], days=3, members_per_day=15, progress=lines.append,
                              client=world.client)
    assert len(lines) == 3 and lines[-1].startswith("[认领 claims] 第 3/3 天")
    # The progress line is read by a person: every count it shows has its Chinese label.
    assert set(summary) <= set(DAY_LABELS), set(summary) - set(DAY_LABELS)
    assert not re.search(r"[A-Za-z]{3,}", lines[-1].split("day:", 1)[1]), lines[-1]
    for key in ("demands published", "claims", "fulfilments", "verified", "wishes posted", "suggestions received",
                "members dispatched", "wishes approved", "ratings", "suggestions resolved",
                # issue 14: take back and hand over (1), shifts (2)
                "claims revoked", "claims handed over", "positions scheduled", "shift sign-ups"):
        assert summary.get(key, 0) > 0, (key, summary)
    assert summary.get("wishes fulfilled", 0) + summary.get("demands closed", 0) > 0, summary
    # Today's shift is served (demo_shifts.py): a QR check-in with an approved correction, hours by hand.
    # ...and one community inspected with a 限期整改 item (point 6).
    for key in ("shift QR check-ins", "shift corrections approved", "shift hours by hand", "inspections recorded",
                "rectification items"):
        assert summary.get(key, 0) > 0, (key, summary)
    # 解决了吗 (issue 14.4): each resolved suggestion and fulfilled wish is answered by the person served.
    answered = sum(v for k, v in summary.items() if k.startswith("answered "))
    assert answered >= summary["suggestions resolved"] > 0, summary
