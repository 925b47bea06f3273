"""The analysts' triage pages, mounted at ``/triage/``."""

from django.urls import path

from cleannet.server.reports import triage_views as views

app_name = "triage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:tracking>/", views.report_detail, name="report"),
    path("<str:tracking>/take/", views.take, name="take"),
    path("<str:tracking>/assign/", views.assign, name="assign"),
    path("<str:tracking>/status/", views.change_status, name="status"),
    path("<str:tracking>/note/", views.add_note, name="note"),
    path("<str:tracking>/reply/", views.add_reply, name="reply"),
    path("<str:tracking>/attachments/<int:pk>/", views.download_attachment, name="attachment"),
]
