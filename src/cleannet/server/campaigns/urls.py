"""The campaigns' workspace pages; included under ``/workspace/campaigns/``."""

from django.urls import path

from cleannet.server.campaigns import views_isp, views_manage, views_workspace

app_name = "campaigns"
urlpatterns = [
    path("", views_workspace.campaign_list, name="list"),
    path("new/", views_manage.campaign_new, name="new"),
    path("<slug:slug>/", views_workspace.campaign_dashboard, name="dashboard"),
    path("<slug:slug>/edit/", views_manage.campaign_edit, name="edit"),
    path("<slug:slug>/launch/", views_manage.campaign_launch, name="launch"),
    path("<slug:slug>/finish/", views_manage.campaign_finish, name="finish"),
    path("<slug:slug>/cancel/", views_manage.campaign_cancel, name="cancel"),
    path("<slug:slug>/respond/", views_isp.campaign_respond, name="respond"),
    path("<slug:slug>/actions/", views_isp.campaign_action, name="action"),
    path("<slug:slug>/export.csv", views_workspace.campaign_csv, name="export_csv"),
    path("<slug:slug>/report.pdf", views_workspace.campaign_report, name="report_pdf"),
]
