"""The specialty vocabulary (专长目录) as claims checks it: one list for registry, catalogue, teams, dispatch.

The list itself is contract data (gongjian_shared/contracts/vocabularies/specialties.json),
read by both services: the registry seeds its managed list from it, and claims checks the
specialties a demand requires, a dispatch asks for or a catalogue item names against it.
Specialties the city adds in the registry at run time are not in the file; claims knows them
from the members that have them (the registry accepts no other specialty on a member).
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.contracts import vocabulary
from gongjian_shared.problems import Problem

from ..adapters.store import MEMBERS


def known() -> tuple[str, ...]:
    return vocabulary("specialties")


async def check(db: Any, specialties: list[str] | None) -> None:
    """422 ``unknown-specialty`` naming the known ones, unless every one of ``specialties`` is known."""
    unknown = [s for s in specialties or [] if s not in known()]
    for specialty in list(unknown):
        if await db[MEMBERS].find_one({"specialties": specialty}, {"_id": 1}) is not None:
            unknown.remove(specialty)  # added by the city in the registry: a member has it
    if unknown:
        raise Problem(422, f"专长目录中没有：{'、'.join(unknown)}；可选专长：{'、'.join(known())} (unknown specialty)",
                      code="unknown-specialty")
