from django.urls import path

from cleannet.server.breachnotices import views

app_name = "breachnotices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_create, name="create"),
    path("queue/", views.analyst_queue, name="queue"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/answer/", views.notice_answer, name="answer"),
    path("<int:pk>/acknowledge/", views.notice_acknowledge, name="acknowledge"),
    path("<int:pk>/follow-up/", views.notice_follow_up, name="follow_up"),
    path("<int:pk>/close/", views.notice_close, name="close"),
]
