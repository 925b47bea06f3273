"""Workspace pages, under ``/workspace/``."""

from django.urls import path

from cleannet.server.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.index, name="index"),
]
