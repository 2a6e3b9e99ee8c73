"""The base of every request body: unknown and read-only fields are refused, never ignored.

A client that sends ``status`` or ``id`` to a create, or misspells a field, gets a 422
problem naming the field (``extra_forbidden``) and nothing is written: silently dropping
it would hide the mistake, and read-only fields must never look writable.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
