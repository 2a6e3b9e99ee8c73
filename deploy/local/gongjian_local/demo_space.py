"""The demo's own namespace: its databases and topic prefix, emptied before each run.

The demo must run beside a user's own data (``gongjian up`` uses the default databases and
no topic prefix) without reading or clashing with it, and play the same city every time.
So its services get ``<prefix>_<service>`` databases and ``<prefix>.`` topics and consumer
groups (``GONGJIAN_DEMO_PREFIX``, default ``demo``), and both are emptied at its start.
"""

from __future__ import annotations

import asyncio
import time

from pymongo import MongoClient

from .services import SERVICES

DEFAULT_PREFIX = "demo"


def demo_env(env: dict[str, str]) -> dict[str, str]:
    """env with the demo's own databases and topic prefix (for every service we start)."""
    prefix = env.get("GONGJIAN_DEMO_PREFIX") or DEFAULT_PREFIX
    own = {f"{name.upper()}_DB": f"{prefix}_{name}" for name in SERVICES}
    return {**env, **own, "GONGJIAN_TOPIC_PREFIX": f"{prefix}."}


def reset(env: dict[str, str], timeout: float = 60) -> None:
    """Drop the demo's databases and delete its topics (what an earlier demo left)."""
    client = MongoClient(env["MONGODB_URL"], serverSelectionTimeoutMS=10_000)
    try:
        for name in SERVICES:
            client.drop_database(env[f"{name.upper()}_DB"])
    finally:
        client.close()
    asyncio.run(_delete_topics(env["KAFKA_BOOTSTRAP_SERVERS"], env["GONGJIAN_TOPIC_PREFIX"], timeout))


async def _delete_topics(bootstrap: str, prefix: str, timeout: float) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if not ours:
            return
        await admin.delete_topics(ours)
        deadline = time.monotonic() + timeout
        # Deletion completes asynchronously; a topic re-created too early would be refused.
        while set(ours) & set(await admin.list_topics()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"演示主题未能删除 (demo topics not deleted within {timeout:.0f}s)")
            await asyncio.sleep(0.3)
    finally:
        await admin.close()
