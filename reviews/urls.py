from django.urls import path

from azmoodegan.pagecache import public_page

from . import views

app_name = "reviews"
urlpatterns = [
    path("orders/<int:pk>/review/", views.order_review, name="order_review"),
    path("reviews/<int:pk>/reply/", views.reply, name="reply"),
    path("reviews/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("reviews/service/<int:pk>/", public_page(views.service_reviews), name="service_reviews"),
    path("reviews/expert/<int:user_id>/", public_page(views.expert_reviews), name="expert_reviews"),
    path("expert-levels/", public_page(views.levels), name="levels"),
]
