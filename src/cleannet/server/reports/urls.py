"""Public pages of the report channel, under ``/report/``."""

from django.urls import path

from cleannet.server.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.chooser, name="chooser"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:tracking>/", views.mine_detail, name="mine-detail"),
    path("status/<str:tracking>/<str:secret>/", views.status, name="status"),
    path("<slug:slug>/", views.report_form, name="form"),
]
