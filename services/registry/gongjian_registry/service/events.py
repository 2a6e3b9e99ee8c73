"""Builders of every registry event: the one place that decides what goes on Kafka.

Personal data never travels: names only masked, no phone, ID number or address; free
text written by staff is passed through the redaction filter first.
"""

from __future__ import annotations

from typing import Any

from gongjian_shared.envelope import CloudEvent, new_event, rfc3339
from gongjian_shared.privacy import mask_name, redact

from ..domain.places import district_of

SOURCE = "gongjian/registry"


def where(place: dict[str, Any] | None) -> dict[str, str | None]:
    """districtid/communityid of an event located at ``place`` (a community or below)."""
    if place is None:
        return {"districtid": None, "communityid": None}
    path, kinds = place["path"], place["path_kinds"]
    community = next((p for p, k in zip(path, kinds, strict=False) if k == "community"), None)
    return {"districtid": district_of(path, kinds), "communityid": community}


def place_event(type_: str, place: dict[str, Any], *, changes: list[str] | None = None,
                previous: dict[str, Any] | None = None) -> CloudEvent:
    data = {"place_id": place["_id"], "kind": place["kind"], "name": place["name"],
            "parent_id": place["parent_id"], "path": place["path"],
            "party_org": place.get("party_org", {}).get("name")}
    leader = place.get("leader") or {}
    if leader:
        data["leader"] = {"title": leader.get("title"), "name_masked": mask_name(leader.get("name")),
                          "member_id": leader.get("member_id")}
    if changes is not None:
        data["changes"], data["previous"] = changes, previous or {}
    return new_event(source=SOURCE, type=type_, subject=place["_id"], data=data, **where(place))


def unit_event(type_: str, unit: dict[str, Any], community: dict[str, Any] | None, **extra: Any) -> CloudEvent:
    data = {"unit_id": unit["_id"], "name": unit["name"], "kind": unit["kind"],
            "paired_community_id": unit.get("paired_community_id"), **extra}
    return new_event(source=SOURCE, type=type_, subject=unit["_id"], data=data, **where(community))


def unit_registered(unit: dict[str, Any], community: dict[str, Any] | None) -> CloudEvent:
    return unit_event("unit.registered", unit, community, party_org=unit.get("party_org"))


def unit_reported(unit: dict[str, Any], community: dict[str, Any], report: dict[str, Any]) -> CloudEvent:
    return unit_event("unit.reported", unit, community, community_id=community["_id"], month=report["month"],
                      summary=redact(report["summary"]), activities=report.get("activities", 0),
                      reported_at=rfc3339(report["reported_at"]))


def agreement_signed(unit: dict[str, Any], community: dict[str, Any], agreement: dict[str, Any]) -> CloudEvent:
    return unit_event("unit.agreement_signed", unit, community, community_id=community["_id"],
                      agreement_id=agreement["agreement_id"], period_start=agreement["period_start"],
                      period_end=agreement["period_end"], signed_on=agreement["signed_on"],
                      commitments=[redact(c) for c in agreement["commitments"]])


def member_event(type_: str, member: dict[str, Any], place: dict[str, Any] | None, **data: Any) -> CloudEvent:
    return new_event(source=SOURCE, type=type_, subject=member["_id"],
                     data={"member_id": member["_id"], **data}, **where(place))


def member_registered(member: dict[str, Any], home: dict[str, Any] | None) -> CloudEvent:
    return member_event("member.registered", member, home, name_masked=mask_name(member["name"]),
                        kind=member["kind"], specialties=member["specialties"],
                        work_unit_id=member.get("work_unit_id"), home_community_id=member.get("home_community_id"),
                        grid_id=member.get("grid_id"), building_id=member.get("building_id"))


def member_reported(member: dict[str, Any], community: dict[str, Any], receipt: dict[str, Any]) -> CloudEvent:
    return member_event("member.reported", member, community, community_id=community["_id"], kind=receipt["kind"],
                        receipt_no=receipt["receipt_no"], reported_at=rfc3339(receipt["reported_at"]))


def member_updated(member: dict[str, Any], home: dict[str, Any] | None, changes: list[str]) -> CloudEvent:
    return member_event("member.updated", member, home, changes=changes, kind=member["kind"],
                        specialties=member["specialties"], work_unit_id=member.get("work_unit_id"),
                        grid_id=member.get("grid_id"), building_id=member.get("building_id"))


def member_transferred(member: dict[str, Any], source: dict[str, Any], target: dict[str, Any], reason: str) -> CloudEvent:
    return member_event("member.transferred", member, target, from_community_id=source["_id"],
                        to_community_id=target["_id"], reason=redact(reason))


def member_deactivated(member: dict[str, Any], home: dict[str, Any] | None, reason: str) -> CloudEvent:
    return member_event("member.deactivated", member, home, community_id=member.get("home_community_id"),
                        reason=redact(reason))
