"""HTTP: 我的消息 — the in-app message list (notices the inbox channel delivered)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from gongjian_shared.access import ANYONE_SIGNED_IN, allow
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.requests import RequestModel
from pydantic import Field

from ...service import messages
from .common import runtime

router = APIRouter(tags=["消息 messages"])


class ReadIn(RequestModel):
    ids: list[str] | None = Field(None, max_length=200, description="要标为已读的消息编号（不填则全部已读）")


@router.get("/messages", summary="我的消息 my messages (in-app channel), newest first, with the unread count",
            **allow(*ANYONE_SIGNED_IN, place="own"))
async def my_messages(request: Request, principal: CurrentPrincipal, limit: int = Query(50, ge=1, le=200)) -> dict:
    return await messages.inbox(runtime(request).db, principal, limit)


@router.post("/messages/read", summary="标为已读 mark my messages read (all, or the ids given)",
             **allow(*ANYONE_SIGNED_IN, place="own"))
async def read(body: ReadIn, request: Request, principal: CurrentPrincipal) -> dict:
    return {"marked": await messages.mark_read(runtime(request).db, principal, body.ids)}
