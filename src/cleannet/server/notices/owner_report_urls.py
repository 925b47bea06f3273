"""The owner reports' workspace pages; included under ``/workspace/reports/``."""

from django.urls import path

from cleannet.server.notices import owner_report_views as views

app_name = "owner_reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<str:number>/<str:fmt>", views.report_file, name="download"),
]
