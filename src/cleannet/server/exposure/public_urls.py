"""The public page about our scans; included under ``/scanning/``."""

from django.urls import path

from cleannet.server.exposure import views_public

app_name = "exposure_public"
urlpatterns = [
    path("", views_public.scanning, name="index"),
]
