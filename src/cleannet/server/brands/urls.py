"""Brand pages under ``/brands/``: the workspace, the analysts' queue, the public list of
fakes, the public URL check and the blocklist downloads."""

from django.urls import path

from cleannet.server.brands import blocklist_views, views

app_name = "brands"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<int:pk>/", views.brand_detail, name="brand"),
    path("<int:pk>/domains/", views.domain_add, name="domain-add"),
    path("domains/<int:pk>/check/", views.domain_check, name="domain-check"),
    path("domains/<int:pk>/remove/", views.domain_remove, name="domain-remove"),
    path("alerts/", views.alert_queue, name="alerts"),
    path("alerts/<int:pk>/confirm/", views.alert_confirm, name="alert-confirm"),
    path("alerts/<int:pk>/dismiss/", views.alert_dismiss, name="alert-dismiss"),
    path("fakes/", views.fakes, name="fakes"),
    path("check/", views.check, name="check"),
    path("blocklist.rpz", blocklist_views.blocklist_rpz, name="blocklist-rpz"),
    path("blocklist.hosts", blocklist_views.blocklist_hosts, name="blocklist-hosts"),
    path("blocklist.csv", blocklist_views.blocklist_csv, name="blocklist-csv"),
    path("blocklist.stix.json", blocklist_views.blocklist_stix, name="blocklist-stix"),
]
