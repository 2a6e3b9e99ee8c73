"""HTTP API of evaluation (stable paths; the dashboard builds on them)."""

from .admin import router as admin_router
from .points import router as points_router
from .rankings import router as rankings_router
from .reports import router as reports_router
from .reviews import router as reviews_router
from .stats import router as stats_router
from .yearend import router as yearend_router

routers = [points_router, stats_router, reviews_router, yearend_router, reports_router, admin_router,
           rankings_router]
