"""SSE event ids that are Kafka positions, so a reconnecting client misses nothing.

An id is the full position vector of the stream at that event: for every partition the
stream reads, the offset of the next record it would read. Records are processed strictly
in the order the consumer hands them over, so every record before that point was either
sent or filtered out. Resuming = seeking every partition to its offset in the vector.

Format (documented in README.md, stable): ``g1.`` then ``<topic>:<partition>:<offset>``
items joined by ``_``, where ``<topic>`` is the index of the topic in PUBLIC_TOPICS;
partitions at offset 0 are left out (``g1.`` alone = every partition from its beginning).
New topics are only ever appended to PUBLIC_TOPICS, so old ids stay valid.
"""

from __future__ import annotations

from gongjian_shared.topics import (
    CLAIMS_DEMANDS,
    CLAIMS_SUGGESTIONS,
    CLAIMS_WISHES,
    EVALUATION_ALERTS,
    EVALUATION_LEDGER,
    EVALUATION_REVIEWS,
    EVALUATION_STATS,
    REGISTRY_MEMBERS,
    REGISTRY_PLACES,
    REGISTRY_UNITS,
)

# The public topics a dashboard may stream (never the .dlq ones). Append only: see above.
PUBLIC_TOPICS: tuple[str, ...] = (
    REGISTRY_PLACES, REGISTRY_UNITS, REGISTRY_MEMBERS,
    CLAIMS_DEMANDS, CLAIMS_WISHES, CLAIMS_SUGGESTIONS,
    EVALUATION_LEDGER, EVALUATION_REVIEWS, EVALUATION_ALERTS, EVALUATION_STATS,
)
VERSION = "g1."

# (topic name without prefix, partition) → next offset to read
Positions = dict[tuple[str, int], int]


class BadEventId(ValueError):
    pass


def encode(positions: Positions) -> str:
    # Offset 0 is left out: resuming a partition the id does not name starts at its beginning.
    items = sorted((PUBLIC_TOPICS.index(topic), part, off) for (topic, part), off in positions.items() if off)
    return VERSION + "_".join(f"{t}:{p}:{o}" for t, p, o in items)


def decode(event_id: str) -> Positions:
    if not event_id.startswith(VERSION):
        raise BadEventId(f"无法识别的事件编号 (unknown event id format): {event_id[:40]!r}")
    body = event_id[len(VERSION):]
    positions: Positions = {}
    if not body:
        return positions
    for item in body.split("_"):
        try:
            t, p, o = (int(x) for x in item.split(":"))
            topic = PUBLIC_TOPICS[t]
        except (ValueError, IndexError) as exc:
            raise BadEventId(f"事件编号格式错误 (malformed event id item {item[:30]!r})") from exc
        if p < 0 or o < 0:
            raise BadEventId(f"事件编号格式错误 (negative position in {item[:30]!r})")
        positions[(topic, p)] = o
    return positions
