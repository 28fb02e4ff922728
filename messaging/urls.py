from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/<int:user_id>/", views.start, name="start"),
    path("messages/<int:pk>/", views.conversation, name="conversation"),
    path("messages/<int:pk>/send/", views.send, name="send"),
    path("messages/<int:pk>/poll/", views.poll, name="poll"),
    path("messages/<int:pk>/older/", views.older, name="older"),
    path("messages/<int:pk>/block/", views.block, name="block"),
    path("messages/report/<int:message_id>/", views.report, name="report"),
    path("messages/files/<int:pk>/", views.attachment, name="attachment"),
    path("messages/unread/", views.unread_badge, name="unread_badge"),
]
