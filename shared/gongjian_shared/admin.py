"""Create topics explicitly: partitions, replication and compaction are decisions, not accidents.

Auto-creation would make evaluation.stats.v1 a normal (deleting) topic; it must be compacted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from .topics import TOPICS

log = logging.getLogger("gongjian.admin")


async def ensure_topics(bootstrap: str, names: Iterable[str], *, prefix: str = "", partitions: int = 3,
                        replication: int = 1, security: dict[str, Any] | None = None) -> None:
    """Create the missing topics of ``names`` (with ``prefix``); ``security``: aiokafka's security arguments."""
    options = {**(security or {}), "bootstrap_servers": bootstrap}
    admin = AIOKafkaAdminClient(client_id="gongjian-admin", **options)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = []
        for name in dict.fromkeys(names):
            full = prefix + name
            if full in existing:
                continue
            topic = TOPICS.get(name)
            configs = {"cleanup.policy": "compact"} if topic is not None and topic.compacted else {}
            wanted.append(NewTopic(full, num_partitions=partitions, replication_factor=replication,
                                   topic_configs=configs))
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass  # another instance created it first
            log.info("created topics: %s", ", ".join(t.name for t in wanted))
    finally:
        await admin.close()
