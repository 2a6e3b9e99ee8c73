"""HTTP API of claims: thin handlers over the use cases, one module per area."""

from . import (adjust, attendance, board, bulk, catalogue, checkin, closure, demands, evidence, inspections, matching,
               messages, mine, release, resources, shifts, suggestions, supervision, wishes)

# In this order on the app (gongjian_shared.http.include_routes: flat, each route on the app itself).
routers = [module.router for module in (
    demands, release, adjust, checkin, mine, wishes, resources, catalogue, supervision, suggestions, matching, messages,
    shifts, closure, inspections, evidence, attendance, board, bulk)]
