from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/open/", views.open_notification, name="open"),
    path("notifications/read-all/", views.read_all, name="read_all"),
    path("notifications/settings/", views.preferences, name="settings"),
]
