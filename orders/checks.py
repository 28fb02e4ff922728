"""The ledger invariant only the orders app can state, registered with `escrow.checks` in `OrdersConfig.ready()`."""

from __future__ import annotations

from django.db.models import Sum

from escrow.checks import Problem
from escrow.models import Account

from .models import Order

CLOSED_ORDER_HOLDS_NO_MONEY = "a closed order's escrow is zero"


def closed_orders_with_escrow() -> list[Problem]:
    """A completed or cancelled order's escrow is empty (a resolved dispute ends as one of them)."""
    closed = Order.objects.filter(status__in=Order.CLOSED).values("pk")
    rows = (
        Account.objects.filter(kind=Account.Kind.ORDER_ESCROW, order_ref__in=closed)
        .annotate(total=Sum("legs__amount"))
        .exclude(total=0)
        .exclude(total__isnull=True)
        .order_by("order_ref")
    )
    return [
        Problem(CLOSED_ORDER_HOLDS_NO_MONEY, "امانت سفارش بسته‌شده صفر است", f"order {a.order_ref}: escrow holds {a.total}")
        for a in rows
    ]
