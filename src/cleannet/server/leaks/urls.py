"""Public leak-check pages, under ``/leaks/``; the password range API is mounted at the
site root (``range_urls``) because clients expect ``<base>/range/ABCDE``."""

from django.urls import path

from cleannet.server.leaks import views

app_name = "leaks"
urlpatterns = [
    path("", views.breach_list, name="breaches"),
    path("check/", views.check, name="check"),
    path("check/sent/", views.check_sent, name="check-sent"),
]
