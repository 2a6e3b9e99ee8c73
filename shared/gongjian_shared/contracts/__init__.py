"""Event contracts as data: one JSON file per event type in ``events/``.

Each file holds the JSON Schema of the event's ``data`` and example messages (whole
CloudEvents). ``envelope.schema.json`` is the CloudEvents envelope of CONTRACTS.md.
``vocabularies/`` holds value lists both sides of a contract must agree on (the specialties
of member events and of demands): data, so that no service imports another's code for them.
Tests check that every example validates and that every consumer model reads it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

_ROOT = resources.files(__name__)


@cache
def envelope_schema() -> dict[str, Any]:
    return json.loads(_ROOT.joinpath("envelope.schema.json").read_text("utf-8"))


@cache
def contract(event_type: str) -> dict[str, Any]:
    """The contract of ``member.reported`` (with or without the ``gongjian.`` prefix)."""
    short = event_type.removeprefix("gongjian.")
    path = _ROOT.joinpath("events", f"{short}.json")
    if not path.is_file():
        raise KeyError(f"no contract for event type {event_type!r}")
    return json.loads(path.read_text("utf-8"))


@cache
def vocabulary(name: str) -> tuple[str, ...]:
    """The values of ``vocabularies/<name>.json`` in their order, e.g. ``vocabulary("specialties")`` (专长目录)."""
    return tuple(json.loads(_ROOT.joinpath("vocabularies", f"{name}.json").read_text("utf-8"))["values"])


def contracted_types() -> list[str]:
    return sorted(p.name.removesuffix(".json") for p in _ROOT.joinpath("events").iterdir() if p.name.endswith(".json"))


def examples(event_type: str) -> list[dict[str, Any]]:
    return contract(event_type)["examples"]


def validate_event(event: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError unless ``event`` meets the envelope and its data schema."""
    jsonschema.validate(event, envelope_schema())
    jsonschema.validate(event["data"], contract(event["type"])["data_schema"])
