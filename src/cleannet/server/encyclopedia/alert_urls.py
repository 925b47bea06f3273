"""Alerts and news under ``/alerts/``, with their RSS and Atom feeds."""

from django.urls import path

from cleannet.server.encyclopedia import feeds, views

app_name = "alerts"
urlpatterns = [
    path("", views.advisory_list, name="list"),
    path("<int:pk>/", views.advisory_detail, name="detail"),
    path("feed.rss", feeds.rss, name="rss"),
    path("feed.atom", feeds.atom, name="atom"),
]
