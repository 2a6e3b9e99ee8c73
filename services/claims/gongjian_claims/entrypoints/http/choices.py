"""Choice fields of claims requests: each takes the English code or the Chinese label the
product shows (需求 → need, 本街道 → street); the code is what is stored and sent on."""

from __future__ import annotations

from typing import Literal

from gongjian_shared.text import choice

from ...domain.demands import KIND_LABELS
from ...domain.rules import ClaimantKind, Scope
from ...domain.suggestions import OUTCOMES
from ...service.resources import RESOURCE_KINDS

ClaimantKindIn = choice(ClaimantKind, {"member": "党员", "unit": "单位"}, {"在职党员": "member", "驻区单位": "unit"})
ScopeIn = choice(Scope, {"community": "本社区", "street": "本街道"}, {"社区": "community", "街道": "street"})
DemandKindIn = choice(Literal["need", "position"], {k: KIND_LABELS[k] for k in ("need", "position")}, {"岗位": "position"})
ResourceKindIn = choice(Literal["venue", "skill", "fund", "goods"], RESOURCE_KINDS,
                        {"场地": "venue", "技能": "skill", "资金扶持": "fund"})
ChannelIn = choice(Literal["online", "offline"], {"online": "网上", "offline": "线下"}, {"线上": "online"})
UrgencyIn = choice(Literal["normal", "urgent"], {"normal": "一般", "urgent": "紧急"}, {"普通": "normal"})
HolderKindIn = choice(Literal["unit", "member", "official"], {"unit": "单位", "member": "党员", "official": "工作人员"})
OutcomeIn = choice(Literal["resolved", "explained", "declined"], OUTCOMES, {"已答复": "explained"})
