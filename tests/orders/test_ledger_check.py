"""The orders app's ledger invariant, registered with escrow's check registry: a closed order holds no money."""

import pytest
from django.core.management import CommandError, call_command

from orders.checks import closed_orders_with_escrow
from orders.models import Order

from .factories import paid_order


def test_a_closed_order_with_money_left_in_escrow_is_named(db, capsys):
    order = paid_order()
    assert closed_orders_with_escrow() == []  # paid and open: the escrow may hold its total
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)  # closed behind the actions' back
    problems = closed_orders_with_escrow()
    assert [p.detail for p in problems] == [f"order {order.pk}: escrow holds {order.total}"]
    with pytest.raises(CommandError):
        call_command("check_ledger")
    assert "FAIL  a closed order's escrow is zero" in capsys.readouterr().out
