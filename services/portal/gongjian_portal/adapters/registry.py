"""The registry's internal endpoints, called with a short-lived service token."""

from __future__ import annotations

from typing import Any

import httpx
from gongjian_shared.internal import issue_service_token
from gongjian_shared.problems import Problem


class RegistryClient:
    def __init__(self, base_url: str, secret: str, client: httpx.AsyncClient) -> None:
        self.base_url, self.secret, self.client = base_url.rstrip("/"), secret, client

    async def _call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {issue_service_token(self.secret, 'portal')}"}
        try:
            return await self.client.request(method, f"{self.base_url}{path}", headers=headers, timeout=15, **kw)
        except httpx.HTTPError as exc:
            raise Problem(503, "报到服务暂不可用，请稍后重试 (registry unavailable)", code="upstream-unavailable") from exc

    @staticmethod
    def _json(r: httpx.Response) -> Any:
        if r.status_code >= 400:
            body = r.json() if r.headers.get("content-type", "").endswith("json") else {}
            raise Problem(r.status_code if r.status_code < 500 else 503,
                          body.get("detail") or "报到服务出错 (registry error)", code=body.get("code"))
        return r.json()

    async def people_by_phone(self, phone: str) -> list[dict[str, Any]]:
        return self._json(await self._call("POST", "/internal/people/lookup", json={"phone": phone}))["people"]

    async def person(self, person_id: str) -> dict[str, Any] | None:
        r = await self._call("GET", f"/internal/people/{person_id}")
        return None if r.status_code == 404 else self._json(r)

    async def register_resident(self, phone: str, name: str, community_id: str) -> dict[str, Any]:
        return self._json(await self._call("POST", "/internal/residents",
                                           json={"phone": phone, "name": name, "community_id": community_id}))

    async def places(self, ids: list[str], *, with_path: bool = False) -> list[dict[str, Any]]:
        """[{id, name, kind}] of known ids (units too, kind ``unit``); with ``with_path`` also ``path``, the
        ids from the city down (kept off /api/me, which shows names)."""
        if not ids:
            return []
        refs = self._json(await self._call("GET", "/internal/places", params={"ids": ",".join(ids)}))
        return refs if with_path else [{k: v for k, v in r.items() if k != "path"} for r in refs]

    async def communities(self, q: str | None, limit: int) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit, **({"q": q} if q else {})}
        return self._json(await self._call("GET", "/internal/communities", params=params))
