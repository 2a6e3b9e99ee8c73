"""HTTP API of claims: thin handlers over the use cases, one module per area."""

from fastapi import APIRouter

from . import (adjust, attendance, board, bulk, catalogue, checkin, closure, demands, evidence, inspections, matching,
               messages, mine, release, resources, shifts, suggestions, supervision, wishes)

router = APIRouter()
for module in (demands, release, adjust, checkin, mine, wishes, resources, catalogue, supervision, suggestions,
               matching, messages, shifts, closure, inspections, evidence, attendance, board, bulk):
    router.include_router(module.router)
