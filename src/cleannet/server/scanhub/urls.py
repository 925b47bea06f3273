"""Scanner bundle downloads under ``/scanner/bundles/``."""

from django.urls import path

from cleannet.server.scanhub import views

app_name = "scanhub"
urlpatterns = [
    path("bundles/latest", views.latest_bundle, name="latest"),
    path("bundles/public-key", views.public_key, name="public-key"),
]
