"""Writes evaluation's event contracts (data_schema + examples) into shared/gongjian_shared/contracts/events/.

Run from the repo root: ``uv run python services/evaluation/scripts/write_contracts.py``. The files are
the contract; this script only keeps the seven of them consistent in style.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[3] / "shared" / "gongjian_shared" / "contracts" / "events"
S = {"type": "string"}
N = {"type": "number"}
NS = {"type": ["string", "null"]}
PATH = {"type": "array", "items": S}
ENV = {"specversion": "1.0", "source": "gongjian/evaluation", "time": "2026-11-23T02:00:00Z",
       "datacontenttype": "application/json", "correlationid": "c0ffee00-0000-4000-8000-000000000001"}


def schema(props: dict, required: list[str]) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": props,
            "required": required, "additionalProperties": True}


def example(type_: str, n: int, subject: str, data: dict, district="district-tj-01", community="community-hb-01",
            cause=True) -> dict:
    ev = {**ENV, "id": f"0b5f6c1e-e{n:03d}-4a8e-9c1d-6f2e7a9b1c0d", "type": f"gongjian.{type_}", "subject": subject,
          "data": data, "districtid": district, "communityid": community}
    if cause:
        ev["causationid"] = "0b5f6c1e-9815-4a8e-9c1d-6f2e7a9b1c0d"
    return ev


LEDGER_PROPS = {
    "holder_id": S, "holder_kind": {"enum": ["member", "unit"]}, "points": {"type": "number", "minimum": 0},
    "rule": S, "rule_version": {"type": "integer"}, "source_event_id": S, "source_type": S, "entry_id": S,
    "earned_at": {"type": "string", "format": "date-time"}, "place_path": PATH,
}
AWARD = {"holder_id": "member-0001", "holder_kind": "member", "points": 30, "rule": "verified_hours:v1",
         "rule_version": 1, "source_event_id": "0b5f6c1e-9815-4a8e-9c1d-6f2e7a9b1c0d", "source_type": "demand.verified",
         "entry_id": "0b5f6c1e-9815-4a8e-9c1d-6f2e7a9b1c0d:verified_hours", "earned_at": "2026-11-23T02:00:00Z",
         "place_path": ["city-tj", "district-tj-01", "street-tj-01", "community-hb-01"],
         "requested_points": 30, "capped": False}
CONTRACTS = {
    "points.awarded": ("Points entered on a holder's ledger (奉献积分), traceable to the earning event. `points` is "
                       "after the daily/yearly caps (`requested_points` before); `rule` names kind and version.",
                       schema({**LEDGER_PROPS, "requested_points": N, "capped": {"type": "boolean"}},
                              ["holder_id", "points", "rule", "source_event_id"]),
                       [example("points.awarded", 1, "member-0001", AWARD)]),
    "points.revoked": ("A correction (更正): a new ledger entry taking back the points of `revokes_entry_id`; "
                       "history is never edited. Booked in the original entry's period and place.",
                       schema({**LEDGER_PROPS, "revokes_entry_id": S, "reason": S},
                              ["holder_id", "points", "rule", "source_event_id", "revokes_entry_id"]),
                       [example("points.revoked", 2, "member-0001", {
                           **{k: v for k, v in AWARD.items() if k not in ("requested_points", "capped")},
                           "rule": "correction", "source_type": "points.revoked",
                           "entry_id": AWARD["entry_id"] + ":revoked", "revokes_entry_id": AWARD["entry_id"],
                           "reason": "服务时长登记有误"})]),
    "review.submitted": ("A party submitted its grade in a two-way evaluation (双向评议). The grade and comment stay "
                         "private until the campaign closes (see review.graded).",
                         schema({"campaign_id": S, "year": {"type": "integer"}, "district_id": S, "reviewer_id": S,
                                 "reviewer_kind": {"enum": ["community", "unit"]}, "reviewed_id": S,
                                 "reviewed_kind": {"enum": ["community", "unit"]}, "submitted_at": S},
                                ["campaign_id", "year", "reviewer_id", "reviewed_id"]),
                         [example("review.submitted", 3, "unit-court-01", {
                             "campaign_id": "campaign-district-tj-01-2026", "year": 2026, "district_id": "district-tj-01",
                             "reviewer_id": "community-hb-01", "reviewer_kind": "community", "reviewed_id": "unit-court-01",
                             "reviewed_kind": "unit", "submitted_at": "2026-12-20T02:00:00Z"}, community=None, cause=False)]),
    "review.graded": ("The result of a party when its campaign closed: grade 好/较好/一般/差 (mean of the grades "
                      "received, rounded half down) and score 1–4.",
                      schema({"campaign_id": S, "year": {"type": "integer"}, "district_id": S, "reviewed_id": S,
                              "reviewed_kind": {"enum": ["community", "unit"]},
                              "grade": {"enum": ["好", "较好", "一般", "差"]}, "score": N, "reviews": {"type": "integer"}},
                             ["campaign_id", "year", "reviewed_id", "grade"]),
                      [example("review.graded", 4, "unit-court-01", {
                          "campaign_id": "campaign-district-tj-01-2026", "year": 2026, "district_id": "district-tj-01",
                          "reviewed_id": "unit-court-01", "reviewed_kind": "unit", "grade": "较好", "score": 3.0,
                          "reviews": 1}, community=None, cause=False)]),
    "alert.raised": ("An alert (预警): `member_inactive` (no verified activity for 6 months in a row; loses five-star "
                     "standing) or `unit_interview` (graded 一般 or worse two years running: 约谈).",
                     schema({"alert_id": S, "kind": {"enum": ["member_inactive", "unit_interview"]}, "subject_id": S,
                             "subject_kind": {"enum": ["member", "unit"]}, "place_id": NS, "place_path": PATH,
                             "reason": S, "raised_at": S, "details": {"type": "object"}},
                            ["alert_id", "kind", "subject_id", "raised_at"]),
                     [example("alert.raised", 5, "member-0001", {
                         "alert_id": "member_inactive:member-0001", "kind": "member_inactive", "subject_id": "member-0001",
                         "subject_kind": "member", "place_id": "community-hb-01",
                         "place_path": ["city-tj", "district-tj-01", "street-tj-01", "community-hb-01"],
                         "reason": "连续6个月未参加活动 (no verified activity for 6 months)", "raised_at": "2027-05-23T02:00:00Z",
                         "details": {"last_active_at": "2026-11-23T02:00:00Z", "deadline": "2027-05-23T02:00:00Z",
                                     "months": 6, "loses_five_star": True}}, cause=False)]),
    "alert.cleared": ("An alert no longer holds (the member is active again, or was deactivated).",
                      schema({"alert_id": S, "kind": {"enum": ["member_inactive", "unit_interview"]}, "subject_id": S,
                              "cleared_at": S, "reason": S, "place_id": NS},
                             ["alert_id", "kind", "subject_id", "cleared_at"]),
                      [example("alert.cleared", 6, "member-0001", {
                          "alert_id": "member_inactive:member-0001", "kind": "member_inactive", "subject_id": "member-0001",
                          "cleared_at": "2027-06-01T02:00:00Z", "reason": "已恢复活动 (active again)",
                          "place_id": "community-hb-01"}, cause=False)]),
}
COUNTERS = ["members_registered", "members_reported", "registered_reported", "units_registered", "units_reported",
            "demands_published", "demands_claimed", "claims_released", "claims_revoked", "claims_handed_over",
            "claims_idle_released", "demands_fulfilled", "demands_verified",
            "demands_overdue", "demands_closed", "wishes_posted", "wishes_approved", "wishes_rejected",
            "wishes_fulfilled", "suggestions_received", "suggestions_assigned", "suggestions_resolved",
            "suggestions_closed", "hours_served", "participants", "beneficiaries", "ratings_count", "ratings_sum",
            "points_awarded", "activities"]
SNAP_COUNTERS = {c: 0 for c in COUNTERS} | {"members_registered": 3853, "members_reported": 3610,
                                            "registered_reported": 3402, "hours_served": 1520.5, "participants": 612}
DERIVED = {"reporting_rate": {"type": ["number", "null"]}, "average_rating": {"type": ["number", "null"]},
           "units_reported_this_month": {"type": "integer"}, "overdue_rate": {"type": ["number", "null"]}}
NN = {"type": ["number", "null"]}
TIME_IN_STATE = {  # issue 14.8: local month "YYYY-MM" -> that month's items and their figures
    "type": "object", "description": "最近 6 个月（本地时间）每月的诉求时效与满意度：month -> figures",
    "additionalProperties": {"type": "object", "properties": {
        "items_received": N, "items_open": N, "items_closed": N, "response_rate": NN, "closure_rate": NN,
        "satisfaction_rate": NN, "resolved_rate": NN, "first_claim_hours_median": NN, "first_claim_hours_mean": NN,
        "close_days_median": NN, "close_days_mean": NN, "composite_score": NN}, "additionalProperties": True}}
TIS_EXAMPLE = {"items_received": 12, "items_need": 8, "items_wish": 3, "items_suggestion": 1, "items_dropped": 0,
               "items_responded": 11, "items_responded_in_time": 10, "items_response_due": 12, "items_closed": 9,
               "items_open": 3, "ratings_received": 7, "answers_received": 2, "answers_resolved": 1, "answers_partly": 1,
               "responses_satisfied": 7, "response_hours_limit": 72, "resolved_rate": 0.5,
               "response_rate": 0.8333, "closure_rate": 0.75, "satisfaction_rate": 0.7778,
               "first_claim_hours_median": 5.5, "first_claim_hours_mean": 14.2, "close_days_median": 3.0,
               "close_days_mean": 4.6, "composite_score": 81.2, "period": "2026-11"}
CONTRACTS["stats.snapshot"] = (
    "The figures of one scope (key = `city`, `district:<id>`, `street:<id>` or `community:<id>`) on the compacted "
    "evaluation.stats.v1, flat: all-time counters, derived figures (reporting_rate = registered members who "
    "reported / registered, average_rating, units_reported_this_month, overdue_rate), health and `as_of`; "
    "`time_in_state`: per recent local month, the items (needs, wishes, suggestions) opened that month with their "
    "response, closure and satisfaction rates and median/mean times to first claim (hours) and to close (days).",
    schema({"scope": S, "place_id": NS, "kind": {"enum": ["city", "district", "street", "community"]}, "name": NS,
            "period": S, "as_of": {"type": "string", "format": "date-time"},
            "health": {"enum": ["good", "warning", "bad", "unknown"]}, **{c: N for c in COUNTERS}, **DERIVED,
            "time_in_state": TIME_IN_STATE},
           ["scope", "as_of", "members_reported", "members_registered", "reporting_rate"]),
    [example("stats.snapshot", 7, "community:community-hb-01", {
        "scope": "community:community-hb-01", "place_id": "community-hb-01", "kind": "community", "name": "滨湖世纪社区",
        "period": "all", "health": "good", **SNAP_COUNTERS, "reporting_rate": 0.883, "average_rating": 4.6,
        "units_reported_this_month": 12, "overdue_rate": 0.02, "as_of": "2026-11-23T02:00:00Z",
        "time_in_state": {"2026-11": TIS_EXAMPLE}}, cause=False)])

for type_, (description, data_schema, examples) in CONTRACTS.items():
    body = {"type": f"gongjian.{type_}", "description": description, "data_schema": data_schema, "examples": examples}
    (OUT / f"{type_}.json").write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("wrote", type_)
