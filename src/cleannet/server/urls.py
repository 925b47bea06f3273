"""The site map: portal pages, the back office, the JSON API, language switch, health."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from cleannet.server.accounts.admin_site import admin_site
from cleannet.server.api.urls import api
from cleannet.server.i18n import switch_language

urlpatterns = [
    path("", include("cleannet.server.portal.urls")),
    path("", include("cleannet.server.leaks.range_urls")),  # Pwned Passwords: <base>/range/ABCDE
    path("leaks/", include("cleannet.server.leaks.urls")),
    path("admin/", admin_site.urls),
    path("breach-notices/", include("cleannet.server.breachnotices.urls")),
    path("brands/", include("cleannet.server.brands.urls")),
    path("scanner/", include("cleannet.server.scanhub.urls")),
    path("scan/", include("cleannet.server.filescan.urls")),
    path("report/", include("cleannet.server.reports.urls")),
    path("triage/", include("cleannet.server.reports.triage_urls")),
    path("workspace/reports/", include("cleannet.server.notices.owner_report_urls")),
    path("workspace/campaigns/", include("cleannet.server.campaigns.urls")),
    path("workspace/exposure/", include("cleannet.server.exposure.urls")),
    path("scanning/", include("cleannet.server.exposure.public_urls")),
    path("workspace/", include("cleannet.server.workspace.urls")),
    path("notice/", include("cleannet.server.notices.urls")),  # the walled-garden page
    path("malware/", include("cleannet.server.encyclopedia.urls")),
    path("campaigns/", include("cleannet.server.campaigns.public_urls")),
    path("alerts/", include("cleannet.server.encyclopedia.alert_urls")),
    path("", include("cleannet.server.selfcheck.urls")),  # check-ip/, tools/, statistics/
    path("api/v1/", api.urls),
    path("api/v1/exchange/", include("cleannet.server.exchange.export_urls")),
    path("taxii2/", include("cleannet.server.exchange.taxii_urls")),
    path("i18n/switch/", switch_language, name="switch_language"),  # the links on every page
    path("i18n/setlang/", set_language, name="set_language"),  # Django's POST form, kept
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
