"""The self-check pages; the site includes this module at its root (``path("", ...)``)."""

from django.urls import path

from cleannet.server.selfcheck import views

app_name = "selfcheck"
urlpatterns = [
    path("check-ip/", views.check_ip, name="check-ip"),
    path("tools/", views.tools, name="tools"),
    path("tools/downloads/<str:name>", views.download, name="download"),
    path("statistics/", views.statistics_page, name="statistics"),
]
