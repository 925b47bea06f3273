"""The malware encyclopedia under ``/malware/``."""

from django.urls import path

from cleannet.server.encyclopedia import views

app_name = "encyclopedia"
urlpatterns = [
    path("", views.family_list, name="list"),
    path("<slug:slug>/", views.family_detail, name="family"),
]
