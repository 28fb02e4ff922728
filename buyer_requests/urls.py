from django.urls import path

from . import views

app_name = "buyer_requests"
urlpatterns = [
    path("requests/", views.my_requests, name="mine"),
    path("requests/new/", views.request_new, name="new"),
    path("requests/board/", views.board, name="board"),
    path("requests/to/<int:expert_id>/", views.request_custom, name="custom"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/offer/", views.offer_create, name="offer_create"),
    path("requests/<int:pk>/close/", views.request_close, name="close"),
    path("requests/<int:pk>/extend/", views.request_extend, name="extend"),
    path("requests/<int:pk>/decline/", views.request_decline, name="decline"),
    path("requests/<int:pk>/ask/", views.request_ask, name="ask"),
    path("requests/files/<int:pk>/", views.request_file, name="file"),
    path("offers/", views.my_offers, name="my_offers"),
    path("offers/<int:pk>/", views.offer_detail, name="offer"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("requests/conversation/<int:conversation_id>/offer/", views.conversation_offer, name="conversation_offer"),
]
