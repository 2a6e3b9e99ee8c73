"""The CloudEvents 1.0 envelope of every event on Kafka (structured mode, JSON).

See CONTRACTS.md: required attributes plus the extensions districtid, communityid,
correlationid and causationid. ``id`` is what consumers de-duplicate on.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The one clock and format (localtime), under the names services already import from here.
from .localtime import now as utc_now  # noqa: F401
from .localtime import rfc3339  # noqa: F401
from .logs import current_correlation
from .privacy import redact_data

CONTENT_TYPE = "application/cloudevents+json"
TYPE_PREFIX = "gongjian."


class CloudEvent(BaseModel):
    """A tolerant reader: unknown extension attributes are kept, not rejected."""

    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str
    time: str = Field(default_factory=lambda: rfc3339(utc_now()))
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)
    districtid: str | None = None
    communityid: str | None = None
    correlationid: str | None = None
    causationid: str | None = None

    @property
    def short_type(self) -> str:
        """``member.reported`` for ``gongjian.member.reported``."""
        return self.type.removeprefix(TYPE_PREFIX)

    def to_dict(self) -> dict[str, Any]:
        doc = self.model_dump(mode="json")
        if doc.get("causationid") is None:
            doc.pop("causationid", None)  # absent for the first event of a chain
        return doc

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, raw: bytes | str) -> CloudEvent:
        return cls.model_validate_json(raw)


def new_event(
    *,
    source: str,
    type: str,
    subject: str,
    data: dict[str, Any],
    districtid: str | None = None,
    communityid: str | None = None,
    cause: CloudEvent | None = None,
    correlationid: str | None = None,
) -> CloudEvent:
    """Build an event; ``cause`` carries the chain's correlation and causation ids forward."""
    full_type = type if type.startswith(TYPE_PREFIX) else TYPE_PREFIX + type
    event_id = str(uuid.uuid4())
    if cause is not None:
        correlation = cause.correlationid or cause.id
        causation = cause.id
    else:
        correlation = correlationid or current_correlation() or event_id
        causation = None
    return CloudEvent(
        id=event_id,
        source=source,
        type=full_type,
        subject=subject,
        data=redact_data(data),  # no phone or ID-card number typed into free text ever travels
        districtid=districtid,
        communityid=communityid,
        correlationid=correlation,
        causationid=causation,
    )
