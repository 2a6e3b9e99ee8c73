"""The managed list of specialties (专长); the city may add to it."""

from __future__ import annotations

import re

from gongjian_shared.contracts import vocabulary

# The seed of the managed list is the one specialty vocabulary of the system (issue 14 point 5):
# the catalogue, dispatch and demands in claims check against the same file. It is contract data
# (gongjian_shared/contracts/vocabularies/specialties.json), not a business rule in shared code:
# the values member events carry and demands require must agree between the two services.
DEFAULT_SPECIALTIES: tuple[str, ...] = vocabulary("specialties")
_SPLIT = re.compile(r"[、,，;；/\s]+")


def split_specialties(raw: str | list[str] | None) -> list[str]:
    """'法律、医疗保健' → ['法律', '医疗保健'] (order kept, duplicates dropped)."""
    items = raw if isinstance(raw, list) else _SPLIT.split(str(raw or ""))
    seen: list[str] = []
    for item in (str(i).strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return seen


def unknown(specialties: list[str], managed: set[str]) -> list[str]:
    return [s for s in specialties if s not in managed]
