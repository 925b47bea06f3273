"""Public file-scan pages, under ``/scan/``."""

from django.urls import path

from cleannet.server.filescan import views

app_name = "filescan"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("lookup/", views.lookup, name="lookup"),
    path("<str:sha256>/", views.result, name="result"),
]
