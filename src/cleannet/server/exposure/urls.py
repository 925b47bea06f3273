"""The exposure workspace pages; included under ``/workspace/exposure/``."""

from django.urls import path

from cleannet.server.exposure import views_scans, views_workspace

app_name = "exposure"
urlpatterns = [
    path("", views_workspace.finding_list, name="findings"),
    path("findings/<int:pk>/", views_workspace.finding_detail, name="finding"),
    path("scopes/", views_scans.scope_list, name="scopes"),
    path("scopes/<slug:name>/scan/", views_scans.start_scan, name="start-scan"),
    path("runs/", views_scans.run_list, name="runs"),
]
