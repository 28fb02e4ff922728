from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("orders/checkout/<int:package_id>/", views.checkout, name="checkout"),
    path("orders/", views.my_orders, name="mine"),
    path("dashboard/orders/", views.received_orders, name="received"),
    path("orders/<int:pk>/", views.detail, name="detail"),
    path("orders/<int:pk>/pay/", views.pay, name="pay"),
    path("orders/<int:pk>/payment/callback/", views.payment_callback, name="payment_callback"),
    path("orders/<int:pk>/requirements/", views.requirements, name="requirements"),
    path("orders/<int:pk>/deliver/", views.deliver, name="deliver"),
    path("orders/<int:pk>/revision/", views.request_revision, name="revision"),
    path("orders/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("orders/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("orders/<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("orders/<int:pk>/extension/decide/", views.extension_decide, name="extension_decide"),
    path("orders/<int:pk>/extension/withdraw/", views.extension_withdraw, name="extension_withdraw"),
    path("orders/<int:pk>/dispute/", views.dispute_open, name="dispute"),
    path("orders/<int:pk>/dispute/respond/", views.dispute_respond, name="dispute_respond"),
    path("orders/<int:pk>/cancellation/", views.cancellation_request, name="cancellation_request"),
    path("orders/<int:pk>/cancellation/answer/", views.cancellation_answer, name="cancellation_answer"),
    path("orders/<int:pk>/cancellation/withdraw/", views.cancellation_withdraw, name="cancellation_withdraw"),
    path("orders/files/<int:pk>/", views.file_download, name="file"),
]
