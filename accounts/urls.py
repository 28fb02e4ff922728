from django.urls import path

from azmoodegan.pagecache import public_page

from . import views

app_name = "accounts"
urlpatterns = [
    path("expert/become/", views.become_expert, name="become_expert"),
    path("expert/profile/", views.expert_profile_edit, name="expert_profile_edit"),
    path("experts/<int:user_id>/", public_page(views.expert_public), name="expert_public"),
]
