"""HTTP: suggestions (意见建议) — intake, triage, assignment (领办/代办/上门), resolution, counts."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.ratelimit import RATE_LIMITED, limited
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import Offset, RequestModel
from gongjian_shared.auth import CurrentPrincipal, require_place, require_role
from gongjian_shared.localtime import Deadline
from gongjian_shared.text import Folded
from pydantic import Field, field_validator

from ...adapters import projections
from ...domain.suggestions import MODES, TOPICS, mode_code
from ...service import closure_counts, suggestions
from .choices import ChannelIn, HolderKindIn, OutcomeIn, UrgencyIn
from .common import OFFICIALS, officials_acts_for, out, outside, runtime

router = APIRouter(tags=["意见建议 suggestions"])


class SuggestionIn(RequestModel):
    community_id: Folded
    title: FreeText = Field(min_length=1, max_length=200)
    content: FreeText = Field("", max_length=4000)
    channel: ChannelIn = Field("online", description="online 网上（公众号/微信群）; offline 线下收集")


class TriageIn(RequestModel):
    topic: Folded = Field(description="分类：" + "、".join(TOPICS))
    urgency: UrgencyIn = "normal"
    note: FreeText = Field("", max_length=1000)

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, value: str) -> str:
        if value not in TOPICS:
            raise ValueError(f"未知分类，可选：{'、'.join(TOPICS)}")
        return value


class AssignmentIn(RequestModel):
    mode: Folded = Field(description="领办 take_charge / 代办 on_behalf / 上门 home_visit（代码或中文均可）")
    assignee_id: Folded
    assignee_kind: HolderKindIn = "official"
    due_at: Deadline | None = Field(None, description="办理期限（只给日期即当日结束）")

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        code = mode_code(value)
        if code is None:
            raise ValueError(f"未知办理方式，可选：{'、'.join(f'{v}({k})' for k, v in MODES.items())}")
        return code


class ResolutionIn(RequestModel):
    outcome: OutcomeIn = "resolved"
    note: FreeText = Field(min_length=1, max_length=2000, description="办理结果")


@router.post("/suggestions", status_code=201, summary="提交意见建议 post a suggestion (resident/member, or officials)",
             **allow("resident", "member", *OFFICIALS, place="body:community_id",
                                                    dependencies=[limited("post")], responses=RATE_LIMITED))
async def post(body: SuggestionIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, "resident", "member", *OFFICIALS)
    acts_for = principal.acts_for
    if principal.role == "member":  # a member's token names no place: the communities they reported to count
        reported = (await projections.load_claimant(runtime(request).db, principal.sub, "member",
                                                    with_streets=False)).communities
        acts_for = lambda path: bool(reported & set(path or []))  # noqa: E731
    return out(await suggestions.receive(runtime(request), community_id=body.community_id, title=body.title,
                                         content=body.content, channel=body.channel, author_id=principal.sub,
                                         acts_for=acts_for))


@router.get("/suggestions", summary="意见建议列表 list suggestions of a place (officials)",
            **allow(*OFFICIALS, place="query:place_id"))
async def list_suggestions(request: Request, principal: CurrentPrincipal, place_id: str, status: str | None = None,
                           limit: int = Query(50, ge=1, le=500), offset: Offset = 0) -> dict:
    await _official_for(request, principal, place_id)
    found = await suggestions.listing(runtime(request).db, place_id=place_id, status=status, limit=limit,
                                      offset=offset)
    return {"total": found["total"], "items": [out(d) for d in found["items"]]}


@router.get("/suggestions/stats", summary="各社区收到与办结数，按办理方式（领办/代办/上门）与“解决了吗”回答计数 "
            "received/resolved per community; counts by mode and by the author's answer (officials)",
            **allow(*OFFICIALS, place="query:place_id"))
async def stats(place_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    await _official_for(request, principal, place_id)
    db = runtime(request).db
    return {**await suggestions.counts(db, place_id), **await closure_counts.by_mode_and_answer(db, place_id)}


@router.get("/suggestions/{suggestion_id}", summary="查看意见建议 get a suggestion",
            **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def get(suggestion_id: str, request: Request, principal: CurrentPrincipal) -> dict:
    doc = await suggestions.get(runtime(request).db, suggestion_id)
    involved = principal.sub in (doc.get("author_id"), doc.get("assignee_id")) or \
        doc.get("assignee_id") in principal.places
    # A suggestion is its author's: beside the author and the assignee, only officials over its
    # community read it — not the community's other residents and members (as with wishes).
    if not involved and not (principal.role in OFFICIALS and principal.acts_for(doc["path"])):
        raise outside("该意见建议")
    return out(doc)


@router.post("/suggestions/{suggestion_id}/triage", summary="分拣 triage (officials)",
             **allow(*OFFICIALS, place="object"))
async def triage(suggestion_id: str, body: TriageIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return out(await suggestions.triage(runtime(request), suggestion_id=suggestion_id, topic=body.topic,
                                        urgency=body.urgency, note=body.note, acts_for=principal.acts_for))


@router.post("/suggestions/{suggestion_id}/assignment", summary="交办：领办/代办/上门 assign (officials)",
             **allow(*OFFICIALS, place="object"))
async def assign(suggestion_id: str, body: AssignmentIn, request: Request, principal: CurrentPrincipal) -> dict:
    require_role(principal, *OFFICIALS)
    return out(await suggestions.assign(runtime(request), suggestion_id=suggestion_id, mode=body.mode,
                                        assignee_id=body.assignee_id, assignee_kind=body.assignee_kind,
                                        due_at=body.due_at, acts_for=principal.acts_for))


@router.post("/suggestions/{suggestion_id}/resolution", summary="办结 resolve (the assignee or officials)",
             **allow(*ANYONE_SIGNED_IN, place="own|object"))
async def resolve(suggestion_id: str, body: ResolutionIn, request: Request, principal: CurrentPrincipal) -> dict:
    return out(await suggestions.resolve(runtime(request), suggestion_id=suggestion_id, outcome=body.outcome,
                                         note=body.note, sub=principal.sub, places=principal.places,
                                         acts_for=officials_acts_for(principal)))


async def _official_for(request: Request, principal: CurrentPrincipal, place_id: str) -> None:
    require_role(principal, *OFFICIALS)
    place = await projections.place(runtime(request).db, place_id)
    require_place(principal, place["path"] if place else [place_id])
