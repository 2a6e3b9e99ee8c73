"""The base of every request body: unknown and read-only fields are refused, never ignored.

A client that sends ``status`` or ``id`` to a create, or misspells a field, gets a 422
problem naming the field (``extra_forbidden``) and nothing is written: silently dropping
it would hide the mistake, and read-only fields must never look writable.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A list page's start (rows to skip). Bounded: MongoDB refuses a skip beyond 64 bits, and a
# larger number must be a 422, not a 500 (found by schemathesis, tests/security/test_fuzz.py).
MAX_OFFSET = 1_000_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="跳过的条数 (rows to skip)")]
