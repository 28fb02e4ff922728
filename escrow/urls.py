from django.conf import settings
from django.urls import path

from . import views

app_name = "escrow"
urlpatterns = [
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/withdraw/", views.withdraw, name="withdraw"),
]
# The fake bank page exists only where the sandbox is the gateway in use.
if settings.PAYMENT_GATEWAY == "sandbox":
    urlpatterns.append(path("pay/sandbox/<str:authority>/", views.sandbox_pay, name="sandbox_pay"))
