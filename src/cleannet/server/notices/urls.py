"""The walled-garden page; the site includes this module under ``notice/``."""

from django.urls import path

from cleannet.server.notices import views

app_name = "notices"
urlpatterns = [
    path("<str:token>/", views.warning_page, name="page"),
]
