"""``/range/<prefix>``: the Pwned Passwords-compatible range API, at the site root."""

from django.urls import path

from cleannet.server.leaks.range_view import password_range_view

urlpatterns = [
    path("range/<str:prefix>", password_range_view, name="leaks-password-range"),
]
