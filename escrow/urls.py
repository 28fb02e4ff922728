from django.urls import path

from . import views

app_name = "escrow"
urlpatterns = [
    path("pay/sandbox/<str:authority>/", views.sandbox_pay, name="sandbox_pay"),
    path("wallet/", views.wallet, name="wallet"),
]
