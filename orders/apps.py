from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from escrow.checks import register
        from escrow.signals import payment_succeeded

        from . import actions
        from .checks import CLOSED_ORDER_HOLDS_NO_MONEY, closed_orders_with_escrow

        # A verified payment moves its order inside the same transaction that credits the escrow.
        payment_succeeded.connect(actions.on_payment_succeeded, dispatch_uid="orders.on_payment_succeeded")
        # check_ledger: money left in a closed order's escrow is a broken invariant.
        register(CLOSED_ORDER_HOLDS_NO_MONEY, closed_orders_with_escrow)
