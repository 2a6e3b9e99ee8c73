"""Full names for officials, asked of the registry with the caller's own token.

Names travel on Kafka masked only (CONTRACTS), so evaluation knows members as 张*珠. An official's
list (year-end scores, commendations, leaderboards, alerts) is completed by ``POST /names`` on the
registry, which decides what this caller may read. If the registry cannot be reached the masked
names stay: a list is never refused for want of names.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger("gongjian.evaluation.names")
BATCH = 2000


class RegistryNames:
    def __init__(self, base_url: str, *, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    async def resolve(self, ids: list[str], authorization: str | None) -> dict[str, str]:
        """id → name as the caller may read it; ``{}`` without a token or when the registry fails."""
        wanted = [i for i in dict.fromkeys(ids) if i]
        if not wanted or not authorization:
            return {}
        names: dict[str, str] = {}
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout) as client:
                for start in range(0, len(wanted), BATCH):
                    r = await client.post("/names", json={"ids": wanted[start:start + BATCH]},
                                          headers={"Authorization": authorization})
                    r.raise_for_status()
                    names.update(r.json()["names"])
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            log.warning("registry names unavailable: %s", type(exc).__name__)
        return names


def name_rows(rows: list[dict[str, Any]], names: dict[str, str], key: str = "holder_id") -> list[dict[str, Any]]:
    """Rows with ``name`` replaced by the resolved name where there is one (in place, returned)."""
    for row in rows:
        if row.get(key) in names:
            row["name"] = names[row[key]]
    return rows
