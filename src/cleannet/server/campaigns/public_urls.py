"""Public campaign pages, under ``/campaigns/``."""

from django.urls import path

from cleannet.server.campaigns import views_public

app_name = "campaigns_public"
urlpatterns = [
    path("", views_public.campaign_list, name="list"),
    path("<slug:slug>/", views_public.campaign_detail, name="detail"),
]
