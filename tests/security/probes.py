"""How to call each route on the objects of community A (world.py), and who is refused anyway.

``PROBES[(method, path)] = Probe(build, phase, deny, everyone)``:

- ``build(w, role)`` gives the request (path with ids filled, params, json, files);
- ``phase``: 0 reads and harmless writes, 1 writes, 2 steps that end something (closing,
  releasing, deactivating), 3 reads that need those ends (campaign results);
- ``deny``: roles the rule lists that are still refused on A's object because they are not
  its owner (a resident reading a member's record);
- ``everyone``: roles whose every holder may call it in any place, for their own things
  (my notifications, an import of my own).

Expectation (test_access_probe.py): tokens of A get an answer other than 401/403 unless
their role is in ``deny``; tokens of B and of the other district get 403 (or 404) unless the
rule is ``shared`` or the role is in ``everyone``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Callable

from .world import JPEG, SCHEDULE, World, ago, soon


@dataclass(frozen=True)
class Probe:
    build: Callable[[World, str], dict[str, Any]]
    phase: int = 0
    deny: frozenset[str] = field(default_factory=frozenset)
    everyone: frozenset[str] = field(default_factory=frozenset)


def P(build: Callable[[World, str], dict[str, Any]], phase: int = 0, deny: tuple[str, ...] = (),
      everyone: tuple[str, ...] = ()) -> Probe:
    return Probe(build, phase, frozenset(deny), frozenset(everyone))


def req(path: str, params: dict | None = None, json: Any = None, files: Any = None) -> dict[str, Any]:
    return {"path": path, "params": params, "json": json, "files": files}


def _csv(kind: str, w: World) -> dict:
    body = (f"单位名称,单位类型,结对社区\n单位Q,企事业单位,{w['A']}\n" if kind == "units"
            else f"姓名,居住社区\n党员乙,{w['A']}\n")
    return {"file": (f"{kind}.csv", body.encode(), "text/csv")}


def _tomorrow() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).date().isoformat()


NEED = {"category": "志愿服务", "item": "法律咨询", "title": "探针需求", "capacity": 2}
OWNER_ONLY = ("member", "resident")
OFFICIAL_ROLES = ("city_admin", "district_admin", "community_admin")
ALL_ROLES = (*OFFICIAL_ROLES, "unit_admin", "member", "resident")  # not officials, not the owner: refused on someone else's record

PROBES: dict[tuple[str, str], Probe] = {
    # --- claims: demands, claims, positions, lists -------------------------------------------
    ("POST", "/demands"): P(lambda w, r: req("/demands", json={**NEED, "community_id": w["A"]}), 1),
    ("GET", "/demands"): P(lambda w, r: req("/demands", {"place_id": w["A"]})),
    ("POST", "/imports/demands"): P(  # rows of a place not one's own are refused row by row (200 + errors)
        lambda w, r: req("/imports/demands", json={"rows": [{**NEED, "community_id": w["A"], "ref": f"probe-{r}"}]}),
        1, everyone=OFFICIAL_ROLES),
    ("GET", "/demands/{demand_id}"): P(lambda w, r: req(f"/demands/{w['demand']}")),
    ("POST", "/demands/{demand_id}/claims"): P(lambda w, r: req(f"/demands/{w['demand']}/claims"), 1),
    ("POST", "/demands/{demand_id}/claims/{claim_id}/release"): P(
        lambda w, r: req(f"/demands/{w['demand']}/claims/{w['claim']}/release"), 2, deny=("unit_admin",)),
    ("POST", "/demands/{demand_id}/claims/{claim_id}/revocation"): P(
        lambda w, r: req(f"/demands/{w['demand']}/claims/{w['claim']}/revocation", json={"reason": "探针"}), 2),
    ("POST", "/demands/{demand_id}/claims/{claim_id}/handover"): P(
        lambda w, r: req(f"/demands/{w['demand']}/claims/{w['claim']}/handover",
                         json={"reason": "探针", "to_id": w["MA"]}), 2),
    ("POST", "/demands/{demand_id}/withdrawal"): P(  # a wish: refused by its state (409), nothing withdrawn
        lambda w, r: req(f"/demands/{w['wish_open']}/withdrawal", json={"reason": "探针"}), 2),
    ("POST", "/demands/{demand_id}/capacity"): P(  # the capacity it has: a no-op
        lambda w, r: req(f"/demands/{w['demand']}/capacity", json={"capacity": 20}), 2),
    ("POST", "/demands/{demand_id}/claims/{claim_id}/fulfilment"): P(
        lambda w, r: req(f"/demands/{w['demand']}/claims/{w['claim']}/fulfilment", json={"hours": 1}), 1,
        deny=("unit_admin",)),
    ("POST", "/demands/{demand_id}/claims/{claim_id}/verification"): P(
        lambda w, r: req(f"/demands/{w['demand']}/claims/{w['claim']}/verification", json={"approved": True}), 1),
    ("POST", "/demands/{demand_id}/closure"): P(lambda w, r: req(f"/demands/{w['demand_closing']}/closure"), 2),
    ("POST", "/demands/{demand_id}/rating"): P(
        lambda w, r: req(f"/demands/{w['demand_closing']}/rating", json={"score": 5}), 3),
    ("POST", "/positions"): P(lambda w, r: req("/positions", json={
        **NEED, "community_id": w["A"], "title": "探针岗位", "period_end": soon(30)}), 1),
    ("GET", "/positions"): P(lambda w, r: req("/positions", {"place_id": w["A"]})),
    ("GET", "/lists/needs"): P(lambda w, r: req("/lists/needs", {"place_id": w["A"]})),
    ("GET", "/lists/projects"): P(lambda w, r: req("/lists/projects", {"place_id": w["A"]})),
    ("GET", "/demands/{demand_id}/check-in-link"): P(lambda w, r: req(f"/demands/{w['demand']}/check-in-link")),
    ("POST", "/demands/{demand_id}/claims/{claim_id}/check-in"): P(lambda w, r: req(
        f"/demands/{w['demand']}/claims/{w['claim']}/check-in", json={"token": w["checkin"]}), 1, deny=("unit_admin",)),
    ("POST", "/demands/{demand_id}/claims/{claim_id}/check-out"): P(lambda w, r: req(
        f"/demands/{w['demand']}/claims/{w['claim']}/check-out", json={"token": w["checkin"]}), 2,
        deny=("unit_admin",)),
    ("GET", "/claimants/{claimant_id}/claims"): P(lambda w, r: req(f"/claimants/{w['MA']}/claims"),
                                                  deny=("unit_admin",), everyone=OFFICIAL_ROLES),  # filtered by place
    ("GET", "/suggestions/mine"): P(lambda w, r: req("/suggestions/mine"), everyone=ALL_ROLES),
    # --- shifts of positions (班次) ------------------------------------------------------------
    ("PUT", "/positions/{demand_id}/schedule"): P(lambda w, r: req(f"/positions/{w['position']}/schedule",
                                                                 json=SCHEDULE), 1),
    ("GET", "/positions/{demand_id}/shifts"): P(lambda w, r: req(f"/positions/{w['position']}/shifts")),
    ("POST", "/shifts/{shift_id}/signups"): P(lambda w, r: req(f"/shifts/{w['shift']}/signups"), 1),
    ("GET", "/shifts/{shift_id}/signups"): P(lambda w, r: req(f"/shifts/{w['shift']}/signups")),
    ("POST", "/shifts/{shift_id}/cancellation"): P(lambda w, r: req(f"/shifts/{w['shift']}/cancellation"), 2,
                                                   everyone=("member",)),  # one's own sign-up, wherever
    ("GET", "/shift-signups/mine"): P(lambda w, r: req("/shift-signups/mine"), everyone=("member",)),
    ("POST", "/shifts/{shift_id}/check-in"): P(lambda w, r: req(
        f"/shifts/{w['shift']}/check-in", json={"token": w["position_token"]}), 1, everyone=("member",)),
    ("POST", "/shifts/{shift_id}/check-out"): P(lambda w, r: req(
        f"/shifts/{w['shift']}/check-out", json={"token": w["position_token"]}), 1, everyone=("member",)),
    ("POST", "/shifts/{shift_id}/signups/{member_id}/attendance"): P(lambda w, r: req(
        f"/shifts/{w['shift']}/signups/{w['MA']}/attendance",
        json={"checked_in_at": ago(0.1), "checked_out_at": ago(0.05), "reason": "探针补录"}), 1),
    ("POST", "/shifts/{shift_id}/correction"): P(lambda w, r: req(
        f"/shifts/{w['shift']}/correction", json={"hours": 1, "reason": "探针更正"}), 1, everyone=("member",)),
    ("POST", "/shifts/{shift_id}/signups/{member_id}/correction/decision"): P(lambda w, r: req(
        f"/shifts/{w['shift']}/signups/{w['MA']}/correction/decision", json={"approved": True}), 1),
    # --- wishes -------------------------------------------------------------------------------
    ("POST", "/wishes"): P(lambda w, r: req("/wishes", json={"community_id": w["A"], "title": "探针心愿"}), 1),
    ("GET", "/wishes"): P(lambda w, r: req("/wishes", {"place_id": w["A"]}), everyone=("resident",)),
    ("GET", "/wishes/{wish_id}"): P(lambda w, r: req(f"/wishes/{w['wish']}")),
    ("POST", "/wishes/{wish_id}/decision"): P(lambda w, r: req(f"/wishes/{w['wish']}/decision",
                                                             json={"approved": True}), 1),
    ("POST", "/wishes/{wish_id}/claims"): P(lambda w, r: req(f"/wishes/{w['wish_open']}/claims"), 1,
                                           deny=("unit_admin",)),  # a wish is for members (rule, not place)
    ("POST", "/wishes/{wish_id}/confirmation"): P(lambda w, r: req(
        f"/wishes/{w['wish_open']}/confirmation", json={"claim_id": w["wish_claim"]}), 2),
    ("POST", "/wishes/{wish_id}/answer"): P(lambda w, r: req(f"/wishes/{w['wish']}/answer", json={"answer": "resolved"}), 1),
    # --- resources, catalogue, claim rules ------------------------------------------------------
    ("POST", "/resources"): P(lambda w, r: req("/resources", json={
        "kind": "skill", "category": "志愿服务", "item": "法律咨询", "title": "探针资源"}), 1, everyone=("unit_admin",)),
    ("GET", "/resources"): P(lambda w, r: req("/resources", {"place_id": w["A"]})),
    ("GET", "/lists/resources"): P(lambda w, r: req("/lists/resources", {"place_id": w["A"]})),
    ("GET", "/resources/{resource_id}"): P(lambda w, r: req(f"/resources/{w['resource']}")),
    ("POST", "/resources/{resource_id}/claims"): P(lambda w, r: req(
        f"/resources/{w['resource']}/claims", json={"community_id": w["A"]}), 1),
    ("GET", "/catalogue"): P(lambda w, r: req("/catalogue")),
    ("POST", "/catalogue/items"): P(lambda w, r: req("/catalogue/items", json={
        "category": "志愿服务", "name": f"探针项目{w.tag}"}), 1),
    ("PATCH", "/catalogue/items/{item_id}"): P(lambda w, r: req(f"/catalogue/items/{w['item']}", json={}), 1),
    ("GET", "/communities/{community_id}/claim-rules"): P(lambda w, r: req(f"/communities/{w['A']}/claim-rules")),
    ("PUT", "/communities/{community_id}/claim-rules"): P(lambda w, r: req(
        f"/communities/{w['A']}/claim-rules", json={"max_open_claims": 50}), 1),
    # --- supervision, meetings, tasks, dispatch -------------------------------------------------
    ("GET", "/supervision"): P(lambda w, r: req("/supervision", {"place_id": w["A"]})),
    ("POST", "/meetings"): P(lambda w, r: req("/meetings", json={
        "place_id": w["A"], "title": "探针会议", "held_at": ago()}), 1),
    ("GET", "/meetings"): P(lambda w, r: req("/meetings", {"place_id": w["A"]})),
    ("GET", "/board"): P(lambda w, r: req("/board", {"place_id": w["A"], "stage": "claimed"})),
    ("GET", "/meetings/{meeting_id}"): P(lambda w, r: req(f"/meetings/{w['meeting']}")),
    ("GET", "/tasks"): P(lambda w, r: req("/tasks", {"place_id": w["A"]})),
    ("POST", "/tasks/{task_id}/progress"): P(lambda w, r: req(f"/tasks/{w['task']}/progress", json={"note": "进展"}),
                                             1, deny=OWNER_ONLY),
    ("POST", "/tasks/{task_id}/closure"): P(lambda w, r: req(f"/tasks/{w['task']}/closure", json={"note": "办结"}), 2),
    ("GET", "/notifications"): P(lambda w, r: req("/notifications"), everyone=ALL_ROLES),
    ("GET", "/messages"): P(lambda w, r: req("/messages"), everyone=ALL_ROLES),
    ("POST", "/messages/read"): P(lambda w, r: req("/messages/read", json={}), everyone=ALL_ROLES),
    ("POST", "/communities/{community_id}/dispatches"): P(lambda w, r: req(
        f"/communities/{w['A']}/dispatches", json={"title": "巡逻", "count": 1, "duty_date": _tomorrow()}), 1),
    # --- evidence (佐证材料): the claimant's and the officials' of A; A's unit has no claim there ---------
    ("POST", "/demands/{demand_id}/claims/{claim_id}/evidence"): P(lambda w, r: req(
        f"/demands/{w['demand']}/claims/{w['claim']}/evidence", files={"file": ("p.jpg", JPEG, "image/jpeg")}), 1,
        deny=("unit_admin",)),
    ("POST", "/demands/{demand_id}/evidence"): P(lambda w, r: req(
        f"/demands/{w['demand']}/evidence", files={"file": ("p.jpg", JPEG, "image/jpeg")}), 1),
    ("GET", "/demands/{demand_id}/evidence"): P(lambda w, r: req(f"/demands/{w['demand']}/evidence"),
                                                deny=("unit_admin",)),
    ("GET", "/evidence/{evidence_id}"): P(lambda w, r: req(f"/evidence/{w['evidence']}"), deny=("unit_admin",)),
    # --- inspections (督查): recorded and closed above the community; its unit follows up --------
    ("POST", "/inspections"): P(lambda w, r: req("/inspections", json={
        "target_kind": "community", "target_id": w["A"], "inspected_at": ago()}), 1, deny=("community_admin",)),
    ("GET", "/inspections"): P(lambda w, r: req("/inspections", {"place_id": w["A"]})),
    ("GET", "/inspections/{inspection_id}"): P(lambda w, r: req(f"/inspections/{w['inspection']}")),
    ("POST", "/inspections/{inspection_id}/rectifications/{rectification_id}/follow-ups"): P(lambda w, r: req(
        f"/inspections/{w['inspection']}/rectifications/{w['rectification']}/follow-ups", json={"note": "进展"}), 1),
    ("POST", "/inspections/{inspection_id}/rectifications/{rectification_id}/closure"): P(lambda w, r: req(
        f"/inspections/{w['inspection']}/rectifications/{w['rectification']}/closure", json={"result": "办结"}), 2,
        deny=("community_admin",)),
    # --- suggestions --------------------------------------------------------------------------
    ("POST", "/suggestions"): P(lambda w, r: req("/suggestions", json={"community_id": w["A"], "title": "探针建议"}), 1),
    ("GET", "/suggestions"): P(lambda w, r: req("/suggestions", {"place_id": w["A"]})),
    ("GET", "/suggestions/stats"): P(lambda w, r: req("/suggestions/stats", {"place_id": w["A"]})),
    ("GET", "/suggestions/{suggestion_id}"): P(lambda w, r: req(f"/suggestions/{w['suggestion']}"),
                                               deny=("member", "unit_admin")),
    ("POST", "/suggestions/{suggestion_id}/triage"): P(lambda w, r: req(
        f"/suggestions/{w['suggestion']}/triage", json={"topic": "其他"}), 1),
    ("POST", "/suggestions/{suggestion_id}/assignment"): P(lambda w, r: req(
        f"/suggestions/{w['suggestion']}/assignment",
        json={"mode": "take_charge", "assignee_id": w["UA"], "assignee_kind": "unit"}), 1),
    ("POST", "/suggestions/{suggestion_id}/resolution"): P(lambda w, r: req(
        f"/suggestions/{w['suggestion']}/resolution", json={"note": "已办结"}), 2, deny=OWNER_ONLY),
    ("POST", "/suggestions/{suggestion_id}/answer"): P(lambda w, r: req(
        f"/suggestions/{w['suggestion']}/answer", json={"answer": "resolved"}), 1, deny=("member",)),  # the author only
    # --- matching -----------------------------------------------------------------------------
    ("GET", "/matching/members/{member_id}/demands"): P(lambda w, r: req(f"/matching/members/{w['MA']}/demands")),
    ("GET", "/matching/units/{unit_id}/demands"): P(lambda w, r: req(f"/matching/units/{w['UA']}/demands")),
    ("GET", "/matching/streets/{street_id}/communities"): P(
        lambda w, r: req(f"/matching/streets/{w['S1']}/communities"), deny=("community_admin",)),  # below the street
    # --- evaluation ---------------------------------------------------------------------------
    ("GET", "/holders/{holder_id}/points"): P(lambda w, r: req(f"/holders/{w['MA']}/points"), deny=("resident",)),
    ("GET", "/holders/{holder_id}/rating"): P(lambda w, r: req(f"/holders/{w['MA']}/rating"), deny=("resident",)),
    ("POST", "/holders/{holder_id}/revocations"): P(lambda w, r: req(
        f"/holders/{w['MA']}/revocations", json={"entry_id": w["entry"], "reason": "更正测试"}), 2),
    ("POST", "/activities"): P(lambda w, r: req("/activities", json={
        "community_id": w["A"], "title": "共建活动", "held_at": ago(), "participant_ids": [w["MA"]]}), 1),
    ("GET", "/stats/{scope}"): P(lambda w, r: req(f"/stats/community:{w['A']}")),
    ("GET", "/places/{place_id}/stats"): P(lambda w, r: req(f"/places/{w['A']}/stats")),
    ("GET", "/places/{place_id}/children"): P(lambda w, r: req(f"/places/{w['A']}/children")),
    ("GET", "/leaderboards/points"): P(lambda w, r: req("/leaderboards/points", {"place_id": w["A"]})),
    ("GET", "/leaderboards/places"): P(lambda w, r: req("/leaderboards/places", {"parent_id": w["A"]})),
    ("GET", "/leaderboards/red-black"): P(lambda w, r: req("/leaderboards/red-black", {"parent_id": w["A"]})),
    ("GET", "/alerts"): P(lambda w, r: req("/alerts", {"place_id": w["A"]})),
    ("POST", "/campaigns"): P(lambda w, r: req("/campaigns", json={"district_id": w["D1"], "year": int(w["year"])}),
                              1),
    ("GET", "/campaigns"): P(lambda w, r: req("/campaigns", {"district_id": w["D1"], "year": w["year"]})),
    ("GET", "/campaigns/{campaign_id}"): P(lambda w, r: req(f"/campaigns/{w['campaign']}")),
    ("POST", "/campaigns/{campaign_id}/reviews"): P(lambda w, r: req(
        f"/campaigns/{w['campaign']}/reviews",
        json={"reviewer_id": w["UA"] if r == "unit_admin" else w["A"],
              "reviewed_id": w["A"] if r == "unit_admin" else w["UA"], "grade": "好"}), 1),
    ("POST", "/campaigns/{campaign_id}/close"): P(lambda w, r: req(f"/campaigns/{w['campaign']}/close"), 2),
    ("GET", "/campaigns/{campaign_id}/results"): P(lambda w, r: req(f"/campaigns/{w['campaign']}/results"), 3),
    ("GET", "/year-end"): P(lambda w, r: req("/year-end", {"place_id": w["A"], "year": w["year"]})),
    ("POST", "/commendations"): P(lambda w, r: req("/commendations", json={"place_id": w["A"],
                                                                          "year": int(w["year"])}), 1),
    ("GET", "/commendations"): P(lambda w, r: req("/commendations", {"place_id": w["A"]})),
    ("GET", "/members/{member_id}/assessment"): P(lambda w, r: req(f"/members/{w['MA']}/assessment",
                                                                  {"year": w["year"]})),
    ("PUT", "/members/{member_id}/assessment"): P(lambda w, r: req(
        f"/members/{w['MA']}/assessment", json={"year": int(w["year"]), "community_id": w["A"], "grade": "好"}), 1),
    ("GET", "/reports/year-end.{fmt}"): P(lambda w, r: req("/reports/year-end.xlsx",
                                                          {"place_id": w["A"], "year": w["year"]})),
    ("GET", "/reports/stats.{fmt}"): P(lambda w, r: req("/reports/stats.xlsx", {"place_id": w["A"]})),
    ("GET", "/rules"): P(lambda w, r: req("/rules")),
    ("POST", "/rules"): P(lambda w, r: req("/rules", json={"effective_from": soon(1)}), 1),
    ("GET", "/config"): P(lambda w, r: req("/config")),
    ("PUT", "/config"): P(lambda w, r: req("/config", json={}), 1),
    ("POST", "/admin/tick"): P(lambda w, r: req("/admin/tick"), 1),
    ("GET", "/dashboard/api/places"): P(lambda w, r: req("/dashboard/api/places"), everyone=OFFICIAL_ROLES),
    ("GET", "/dashboard/api/overview"): P(lambda w, r: req("/dashboard/api/overview", {"place": w["A"]})),
    ("GET", "/dashboard/stream"): P(lambda w, r: req("/dashboard/stream", {"place": w["A"]})),
    # --- registry -----------------------------------------------------------------------------
    ("POST", "/places"): P(lambda w, r: req("/places", json={"kind": "grid", "name": "探针网格",
                                                            "parent_id": w["A"]}), 1),
    ("GET", "/places"): P(lambda w, r: req("/places", {"parent_id": w["S1"]})),
    ("GET", "/places/{place_id}"): P(lambda w, r: req(f"/places/{w['A']}")),
    ("PATCH", "/places/{place_id}"): P(lambda w, r: req(f"/places/{w['A']}", json={}), 1),
    ("GET", "/places/{place_id}/history"): P(lambda w, r: req(f"/places/{w['A']}/history")),
    ("POST", "/members"): P(lambda w, r: req("/members", json={"name": "探针党员", "home_community_id": w["A"]}), 1),
    ("GET", "/members/{member_id}"): P(lambda w, r: req(f"/members/{w['MA']}"), deny=("resident",)),
    ("PATCH", "/members/{member_id}"): P(lambda w, r: req(f"/members/{w['MA']}", json={}), 1),
    ("POST", "/members/{member_id}/reports"): P(lambda w, r: req(
        f"/members/{w['MA']}/reports", json={"community_id": w["A"], "kind": "home"}), 1),
    ("GET", "/members/{member_id}/reports"): P(lambda w, r: req(f"/members/{w['MA']}/reports"), deny=("resident",)),
    ("GET", "/members/{member_id}/history"): P(lambda w, r: req(f"/members/{w['MA']}/history"), deny=("resident",)),
    ("POST", "/members/{member_id}/transfer"): P(lambda w, r: req(
        f"/members/{w['M_spare']}/transfer", json={"to_community_id": w["A"]}), 1),
    ("POST", "/members/{member_id}/deactivate"): P(lambda w, r: req(
        f"/members/{w['M_spare']}/deactivate", json={"reason": "探针停用"}), 2),
    ("POST", "/members/{member_id}/performance"): P(lambda w, r: req(
        f"/members/{w['MA']}/performance", json={"community_id": w["A"], "rating": "优秀", "note": "表现好"}), 1),
    ("GET", "/members/{member_id}/performance"): P(lambda w, r: req(f"/members/{w['MA']}/performance"),
                                                   deny=("resident",)),
    ("POST", "/units"): P(lambda w, r: req("/units", json={"name": f"探针单位{r}", "kind": "organ",
                                                          "paired_community_id": w["A"]}), 1),
    ("GET", "/units"): P(lambda w, r: req("/units", {"community_id": w["A"]})),
    ("GET", "/units/{unit_id}"): P(lambda w, r: req(f"/units/{w['UA']}")),
    ("GET", "/units/{unit_id}/members"): P(lambda w, r: req(f"/units/{w['UA']}/members")),
    ("PATCH", "/units/{unit_id}"): P(lambda w, r: req(f"/units/{w['UA']}", json={}), 1),
    ("POST", "/units/{unit_id}/agreement"): P(lambda w, r: req(f"/units/{w['UA']}/agreement", json={
        "period_start": "2026-01-01", "period_end": "2026-12-31", "signed_on": "2026-01-01",
        "commitments": ["结对共建"]}), 1),
    ("POST", "/units/{unit_id}/reports"): P(lambda w, r: req(f"/units/{w['UA']}/reports",
                                                             json={"summary": "本月开展活动"}), 1),
    ("POST", "/units/{unit_id}/reports/{month}/acknowledgement"): P(lambda w, r: req(
        f"/units/{w['UA']}/reports/{w['UA_month']}/acknowledgement"), 1),
    ("GET", "/communities/{community_id}/units/unreported"): P(
        lambda w, r: req(f"/communities/{w['A']}/units/unreported")),
    ("GET", "/communities/{community_id}/members"): P(lambda w, r: req(f"/communities/{w['A']}/members")),
    ("GET", "/stats/reporting"): P(lambda w, r: req("/stats/reporting", {"place_id": w["A"]})),
    ("GET", "/specialties"): P(lambda w, r: req("/specialties")),
    ("POST", "/specialties"): P(lambda w, r: req("/specialties", json={"name": f"探针{w.tag}"}), 1),
    ("POST", "/teams"): P(lambda w, r: req("/teams", json={"name": "探针队", "specialty": "法律",
                                                          "community_id": w["A"]}), 1),
    ("GET", "/teams"): P(lambda w, r: req("/teams", {"community_id": w["A"]})),
    ("POST", "/teams/{team_id}/members"): P(lambda w, r: req(f"/teams/{w['team']}/members",
                                                             json={"member_id": w["MA"]}), 1),
    ("POST", "/assignments"): P(lambda w, r: req("/assignments", json={
        "holder_kind": "unit", "holder_id": w["UA"], "holder_name": "单位甲", "target_kind": "community",
        "place_id": w["A"]}), 1),
    ("GET", "/assignments"): P(lambda w, r: req("/assignments", {"place_id": w["A"]}),
                               deny=("member", "resident", "unit_admin")),
    ("PATCH", "/assignments/{assignment_id}"): P(lambda w, r: req(f"/assignments/{w['assignment']}",
                                                                   json={"note": "探针调整"}), 1),
    ("POST", "/assignments/{assignment_id}/end"): P(lambda w, r: req(f"/assignments/{w['assignment']}/end",
                                                                     json={"reason": "探针结束"}), 2),
    ("POST", "/imports/members"): P(lambda w, r: req("/imports/members", {"dry_run": "true"}, files=_csv("members", w)),
                                    1, everyone=("city_admin", "community_admin")),
    ("POST", "/imports/units"): P(lambda w, r: req("/imports/units", {"dry_run": "true"}, files=_csv("units", w)), 1,
                                  everyone=("city_admin", "community_admin")),
    ("GET", "/members/me"): P(lambda w, r: req("/members/me"), everyone=("member",)),
    ("GET", "/residents/me"): P(lambda w, r: req("/residents/me"), everyone=("resident",)),
    ("GET", "/residents/{resident_id}"): P(lambda w, r: req(f"/residents/{w['resident_record']}")),
    ("POST", "/members/{member_id}/reveal"): P(lambda w, r: req(f"/members/{w['MA']}/reveal",
                                                                json={"reason": "联系核实服务时间"}), 1),
    ("POST", "/residents/{resident_id}/reveal"): P(lambda w, r: req(f"/residents/{w['resident_record']}/reveal",
                                                                    json={"reason": "联系核实诉求"}), 1),
    ("GET", "/audit/reveals"): P(lambda w, r: req("/audit/reveals", {"place_id": w["A"]})),
    ("POST", "/names"): P(lambda w, r: req("/names", json={"ids": [w["MA"], w["UA"]]}), everyone=ALL_ROLES),  # masked
    ("GET", "/glossary"): P(lambda w, r: req("/glossary")),
    ("GET", "/imports/{kind}/template"): P(lambda w, r: req("/imports/members/template")),
    ("GET", "/imports/{job_id}"): P(lambda w, r: req(f"/imports/{w['job']}")),
    ("GET", "/imports/{job_id}/errors"): P(lambda w, r: req(f"/imports/{w['job']}/errors", {"format": "csv"})),
    ("GET", "/exports/members"): P(lambda w, r: req("/exports/members", {"community_id": w["A"], "format": "csv"})),
    ("GET", "/exports/units"): P(lambda w, r: req("/exports/units", {"community_id": w["A"], "format": "csv"})),
}
