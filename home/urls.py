from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("account/trust/", views.trust_settings, name="settings"),
    path("account/mobile/send/", views.mobile_send, name="mobile_send"),
    path("account/mobile/verify/", views.mobile_verify, name="mobile_verify"),
    path("account/photo/", views.photo_upload, name="photo"),
    path("account/identity/", views.identity_submit, name="identity"),
    path("account/details/", views.details_save, name="details"),
    path("account/vacation/", views.vacation_save, name="vacation"),
    path("login/mobile/", views.login_by_code, name="login_code"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/portfolio/", views.portfolio, name="portfolio"),
    path("dashboard/portfolio/<int:pk>/", views.portfolio_edit, name="portfolio_edit"),
    path("dashboard/portfolio/<int:pk>/delete/", views.portfolio_delete, name="portfolio_delete"),
    path("experts/<int:user_id>/portfolio/<int:pk>/", views.portfolio_public_item, name="portfolio_item"),
    path("saved/", views.saved_list, name="saved"),
    path("saved/<int:service_id>/toggle/", views.saved_toggle, name="saved_toggle"),
    path("staff/dashboard/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/id-cards/<int:user_id>/", views.id_card_image, name="id_card"),
]
