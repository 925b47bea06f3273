"""The JSON API under ``/api/v1/``; each area adds its router here in one line."""

from __future__ import annotations

from ninja import NinjaAPI

from cleannet.server.api.errors import install_error_handlers
from cleannet.server.api.routes_accounts import router as accounts_router
from cleannet.server.api.routes_brands import router as brands_router
from cleannet.server.api.routes_campaigns import router as campaigns_router
from cleannet.server.api.routes_filescan import router as filescan_router
from cleannet.server.api.routes_intel import router as intel_router
from cleannet.server.api.routes_leaks import router as leaks_router
from cleannet.server.api.routes_networks import router as networks_router
from cleannet.server.api.routes_node import router as node_router
from cleannet.server.api.routes_notices import router as notices_router
from cleannet.server.api.routes_notices_reports import router as notice_reports_router
from cleannet.server.api.routes_reports import router as reports_router

api = NinjaAPI(
    title="CleanNet API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    description=(
        "Threat intelligence, networks, leaks, brand protection and accounts of the CleanNet "
        "platform."
    ),
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/", networks_router)
api.add_router("/", intel_router)
api.add_router("/", leaks_router)
api.add_router("/", node_router)
api.add_router("/", brands_router)
api.add_router("/", filescan_router)
api.add_router("/", reports_router)
api.add_router("/", notices_router)
api.add_router("/", notice_reports_router)
api.add_router("/", campaigns_router)

urlpatterns = api.urls
