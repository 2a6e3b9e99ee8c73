"""Every route of every service, probed as an attacker would, against the running services.

The routes come from each service's OpenAPI document, with the rule each declares
(``x-gongjian-access``). Every route gets: no token, an expired token, a token signed
with another key and one naming an unknown key id (401 unless public); each role the rule
does not list (403). Routes with a probe in probes.py are then called on community A's objects with every role of A (allowed
unless the probe says the role is refused as a non-owner), of the sibling community B and
of another district (403/404 unless the data is shared). The figures are printed.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import httpx
import pytest

from gongjian_shared.access import EXTENSION
from gongjian_shared.auth import ROLES, issue_token
from gongjian_shared.settings import DEV_JWT_SECRET

from .probes import PROBES
from .services import operations
from .world import World, bearer

# The services the probe table covers; a newer service's routes get the function-level probes.
COVERED = ("registry", "claims", "evaluation")
DENIED = (403, 404)
PUBLIC = "public"


async def _send(client: httpx.AsyncClient, base: str, method: str, r: dict[str, Any],
                headers: dict) -> tuple[int, str]:
    url = base + r["path"]
    if r["path"].startswith("/dashboard/stream"):  # an endless stream: the status line is the answer
        async with client.stream(method, url, params=r["params"], headers=headers) as resp:
            return resp.status_code, ""
    resp = await client.request(method, url, params=r["params"], json=r["json"], files=r["files"], headers=headers)
    return resp.status_code, resp.text[:200]


def _dummy(path: str) -> dict[str, Any]:
    return {"path": re.sub(r"\{[^}]+\}", "x", path).replace("x.x", "x.xlsx"), "params": None, "json": None,
            "files": None}


class Tally:
    """Checks answers against expectations and keeps the failures and the figures."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.figures: Counter[str] = Counter()

    def check(self, label: str, status: int, text: str, allowed: bool | str | None) -> None:
        """allowed: True let in, False refused (403/404), None unauthenticated (401), PUBLIC anything but 5xx
        (a public route may answer 401 itself: a wrong password)."""
        self.figures["probes"] += 1
        if status >= 500 and not (allowed == PUBLIC and status == 503):  # /readyz may say "not ready"
            self.failures.append(f"{label}: {status} {text}")
        elif allowed is None and status != 401:
            self.failures.append(f"{label}: {status}, expected 401")
        elif allowed is True and status in (401, 403):
            self.failures.append(f"{label}: {status}, expected to be let in: {text}")
        elif allowed is False and status not in DENIED:
            self.failures.append(f"{label}: {status}, expected 403/404")


@pytest.mark.timeout(900)
async def test_every_route_answers_as_its_rule_says(stack):
    running = stack.urls
    tally = Tally()
    gate = asyncio.Semaphore(6)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        async def probe(label: str, service: str, method: str, r: dict[str, Any], headers: dict,
                        allowed: bool | None) -> None:
            async with gate:
                status, text = await _send(client, running[service], method, r, headers)
            tally.check(label, status, text, allowed)

        docs = {name: (await client.get(f"{url}/openapi.json")).json() for name, url in running.items()}
        routes = [(name, m, p, op[EXTENSION]) for name, doc in docs.items() for m, p, op in operations(doc)]
        world = await World(running, client).build()
        tally.figures["routes"] = len(routes)

        bad_tokens = {"no token": {}, "expired": bearer("city_admin", [], "x", ttl_hours=-1),
                      "other key": bearer("city_admin", [], "x", secret=DEV_JWT_SECRET + "-not-ours"),
                      "unknown kid": {"Authorization": "Bearer " + issue_token(
                          DEV_JWT_SECRET, sub="x", role="city_admin", places=[], kid="not-configured")}}
        a_tokens = world.tokens("A")
        checks = []
        for service, method, path, rule in routes:  # function level, on every route
            build = PROBES[(method, path)].build if (method, path) in PROBES else (lambda w, role, p=path: _dummy(p))
            public = rule["place"] == "public"
            for name, headers in bad_tokens.items():
                checks.append(probe(f"{method} {path} [{name}]", service, method, build(world, "city_admin"), headers,
                                    PUBLIC if public else None))
            for role in ROLES:  # a person's token never passes a service-only route
                if rule["place"] == "internal":
                    checks.append(probe(f"{method} {path} [{role} on an internal route]", service, method,
                                        build(world, role), a_tokens[role], None))
                elif not public and role not in rule["roles"]:
                    checks.append(probe(f"{method} {path} [{role} not listed]", service, method, build(world, role),
                                        a_tokens[role], False))
        await asyncio.gather(*checks)

        contexts = {c: world.tokens(c) for c in ("A", "B", "X")}
        probed = [(s, m, p, rule) for s, m, p, rule in routes if (m, p) in PROBES]
        missing = [f"{m} {p}" for s, m, p, rule in routes
                   if s in COVERED and rule["place"] not in ("public", "internal") and (m, p) not in PROBES]
        for phase in range(4):
            refusals, grants = [], []
            for service, method, path, rule in probed:
                spec = PROBES[(method, path)]
                if spec.phase != phase:
                    continue
                for context, tokens in contexts.items():
                    for role, headers in tokens.items():
                        if role not in rule["roles"]:
                            continue
                        allowed = (role not in spec.deny) if context == "A" else \
                            (rule["place"] == "shared" or role in spec.everyone)
                        label = f"{method} {path} [{role} of {context}]"
                        (grants if allowed else refusals).append(
                            (label, service, method, spec.build(world, role), headers, allowed))
            tally.figures["object-level probes"] += len(refusals) + len(grants)
            # Refusals first and together: a granted write must not change their answer.
            await asyncio.gather(*(probe(*args) for args in refusals))
            for args in grants:  # grants in order: later ones may meet the state earlier ones made (409)
                await probe(*args)
    f = tally.figures
    print(f"\naccess probe: {f['routes']} routes, {f['probes']} route × token probes "
          f"({f['object-level probes']} on A's objects with tokens of A, B and another district)")
    assert missing == [], f"routes without an object-level probe in probes.py: {missing}"
    assert tally.failures == [], "\n".join(tally.failures)


def test_the_probe_table_names_only_real_routes():
    """A stale probe (a renamed route) would silently probe nothing."""
    from .services import build

    real = {(m, p) for name in COVERED for m, p, _ in operations(build(name).openapi())}
    assert set(PROBES) - real == set()
