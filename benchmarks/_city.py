"""The synthetic city of benchmarks/city_reads.py: its place tree and import sheets.

Deterministic; ID numbers are valid (checksum) but invented, phones are in mobile ranges.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from gongjian_registry.adapters.sheets import write_xlsx
from gongjian_registry.domain.idcard import make_id_number
from gongjian_registry.domain.importing import MEMBER_HEADERS, UNIT_HEADERS
from gongjian_registry.domain.members import KIND_LABELS
from gongjian_registry.domain.units import UNIT_KIND_LABELS

DISTRICTS, STREETS_PER_DISTRICT, COMMUNITIES_PER_STREET = 5, 10, 10
UNITS, MEMBERS, DEMANDS = 5_000, 200_000, 1_000_000
REGION = 230881


class City:
    """500 communities; members and demands scaled by ``scale`` (1.0: the issue's city)."""

    def __init__(self, scale: float) -> None:
        self.units, self.members, self.demands = UNITS, int(MEMBERS * scale), int(DEMANDS * scale)
        self.places = [{"id": "bc", "kind": "city", "name": "共建市", "parent_id": None}]
        for d in range(1, DISTRICTS + 1):
            district = {"id": f"bc-d{d}", "kind": "district", "name": f"第{d}区", "parent_id": "bc"}
            self.places.append(district)
            for s in range(1, STREETS_PER_DISTRICT + 1):
                street = {"id": f"{district['id']}-s{s}", "kind": "street", "name": f"第{d}区第{s}街道",
                          "parent_id": district["id"]}
                self.places.append(street)
                self.places += [{"id": f"{street['id']}-c{c}", "kind": "community", "name": f"{street['name']}第{c}社区",
                                 "parent_id": street["id"]} for c in range(1, COMMUNITIES_PER_STREET + 1)]
        self.communities = [p["id"] for p in self.places if p["kind"] == "community"]
        self.streets = [p["id"] for p in self.places if p["kind"] == "street"]
        self.districts = [p["id"] for p in self.places if p["kind"] == "district"]
        self.names = {p["id"]: p["name"] for p in self.places}

    def places_by_level(self) -> list[list[dict]]:
        kinds = ("city", "district", "street", "community")
        return [[p for p in self.places if p["kind"] == kind] for kind in kinds]

    def unit_name(self, i: int) -> str:
        return f"共建市第{i + 1}共建单位"


def unit_sheet(city: City) -> bytes:
    kinds = list(UNIT_KIND_LABELS.values())
    rows = [[city.unit_name(i), kinds[i % len(kinds)], f"第{i + 1}党支部", f"共建市第{i + 1}号",
             city.names[city.communities[i % len(city.communities)]], f"91230881MA{i:08d}"] for i in range(city.units)]
    return write_xlsx(UNIT_HEADERS, rows, sheet="驻区单位")


def member_sheet(city: City) -> bytes:
    rnd = random.Random(42)
    kinds = list(KIND_LABELS.values())
    rows = []
    for i in range(city.members):
        birth = date(1950, 1, 1) + timedelta(days=(i * 7919) % 18000)
        id_number = make_id_number(f"{REGION + i // 18000:06d}", birth, i % 1000)
        rows.append([f"成员{i}", id_number, f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}", kinds[0], "",
                     city.unit_name(rnd.randrange(city.units)), city.names[rnd.choice(city.communities)], "", ""])
    return write_xlsx(MEMBER_HEADERS, rows, sheet="党员")
