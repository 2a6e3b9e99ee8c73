"""HTTP: 解决了吗 — the person served answers on a closed wish or a resolved suggestion."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from gongjian_shared.access import allow
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.privacy import FreeText
from gongjian_shared.requests import RequestModel
from gongjian_shared.text import choice
from pydantic import Field

from ...domain.closure import ANSWERS
from ...service import closure
from .common import runtime

router = APIRouter(tags=["办结回访 closure"])

AnswerChoice = choice(Literal["resolved", "partly", "not"], ANSWERS, {"解决了": "resolved", "没解决": "not"})


class AnswerIn(RequestModel):
    answer: AnswerChoice = Field(title="解决了吗")
    comment: FreeText = Field("", max_length=500, title="补充说明")


@router.post("/wishes/{wish_id}/answer", summary="解决了吗：提心愿的居民回答（未解决且在办结后7天内则重新办理） "
             "the resident who posted the wish answers resolved/partly/not; a 'not' within 7 local days reopens it",
             **allow("resident", place="own"))
async def answer_wish(wish_id: str, body: AnswerIn, request: Request, principal: CurrentPrincipal) -> dict:
    return await closure.answer_wish(runtime(request), wish_id=wish_id, answer=body.answer, comment=body.comment,
                                     sub=principal.sub)


@router.post("/suggestions/{suggestion_id}/answer",
             summary="解决了吗：提建议的人回答（未解决且在办结后7天内则重新办理） the author answers resolved/partly/not",
             **allow("resident", "member", place="own"))
async def answer_suggestion(suggestion_id: str, body: AnswerIn, request: Request,
                            principal: CurrentPrincipal) -> dict:
    return await closure.answer_suggestion(runtime(request), suggestion_id=suggestion_id, answer=body.answer,
                                           comment=body.comment, sub=principal.sub)
