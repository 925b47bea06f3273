"""``/api/v1/exchange/``: event exports over HTTP (plain Django views, streamed)."""

from __future__ import annotations

from django.urls import path

from cleannet.server.exchange import export_views as views

app_name = "exchange"

urlpatterns = [
    path("events.csv", views.events_csv, name="events-csv"),
    path("events.jsonl", views.events_jsonl, name="events-jsonl"),
]
