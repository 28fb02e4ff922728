from django.urls import path

from azmoodegan.pagecache import public_page
from azmoodegan.shared import shared_page
from home.impressions import counted_view

from . import views

app_name = "services"
urlpatterns = [
    path("categories/", public_page(views.category_list), name="categories"),
    path("categories/<str:slug>/", public_page(shared_page(views.category_detail)), name="category"),
    path("services/<int:pk>/", counted_view(public_page(shared_page(views.service_detail))), name="detail_short"),
    path("services/<int:pk>/<str:slug>/", counted_view(public_page(shared_page(views.service_detail))), name="detail"),
    path("services/order/<int:package_id>/", views.order_start, name="order_start"),
    path("experts/<int:user_id>/contact/", views.contact_expert, name="contact"),
    path("dashboard/services/", views.dashboard, name="dashboard"),
    path("dashboard/services/new/", views.service_edit, name="create"),
    path("dashboard/services/<int:pk>/edit/", views.service_edit, name="edit"),
    path("dashboard/services/<int:pk>/preview/", views.service_preview, name="preview"),
    path("dashboard/services/<int:pk>/submit/", views.service_submit, name="submit"),
    path("dashboard/services/<int:pk>/pause/", views.service_pause, name="pause"),
    path("dashboard/services/<int:pk>/resume/", views.service_resume, name="resume"),
    path("dashboard/services/<int:pk>/delete/", views.service_delete, name="delete"),
    path("dashboard/services/<int:pk>/discard-edit/", views.revision_discard, name="discard_edit"),
]
