"""The scanner's hub pages under ``/scanner/``: bundle downloads, report uploads and the
analysts' list of uploaded reports."""

from django.urls import path

from cleannet.server.scanhub import views

app_name = "scanhub"
urlpatterns = [
    path("bundles/latest", views.latest_bundle, name="latest"),
    path("bundles/public-key", views.public_key, name="public-key"),
    path("reports", views.upload_report, name="upload-report"),
    path("reports/", views.report_list, name="reports"),
]
