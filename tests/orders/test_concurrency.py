"""Races with real threads on real PostgreSQL: one release per order, one credit per payment."""

import pytest
from django.test import Client

from escrow import ledger
from escrow.checks import run_checks
from escrow.gateways.sandbox import charge_decide
from escrow.models import Payment, Transfer
from orders import actions
from orders.models import Order, OrderEvent
from tests.concurrency import run_concurrently

from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
N = 20


def test_twenty_concurrent_confirm_requests_release_once():
    order = f.delivered_order(price=2_000_000)
    clients = []
    for _ in range(N):
        c = Client()
        c.force_login(order.buyer)
        clients.append(c)
    results, errors = run_concurrently(
        lambda i: clients[i].post(f"/orders/{order.pk}/confirm/", {"confirmed": "1"}).status_code)
    assert errors == []
    assert results == [302] * N
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref=order.pk).count() == 1
    assert OrderEvent.objects.filter(order=order, kind="confirmed").count() == 1
    assert ledger.escrow_balance(order.pk) == 0
    assert not any(run_checks().values())


def test_twenty_concurrent_confirm_actions_one_wins():
    order = f.delivered_order()
    results, errors = run_concurrently(lambda i: actions.order_confirm(order_id=order.pk, actor=order.buyer))
    assert len(results) == 1 and len(errors) == N - 1
    assert all(type(e).__name__ == "OrderTransitionError" for e in errors)
    assert Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref=order.pk).count() == 1


def test_callback_replayed_twenty_times_concurrently_credits_once():
    order = f.pending_order(price=3_000_000)
    payment = f.start_payment(order)
    charge_decide(authority=payment.authority, pay=True)
    params = f.callback_params(payment)
    clients = []
    for _ in range(N):
        c = Client()
        c.force_login(order.buyer)
        clients.append(c)
    results, errors = run_concurrently(
        lambda i: clients[i].get(f"/orders/{order.pk}/payment/callback/", params).status_code
    )
    assert errors == []
    assert results == [302] * N
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert Transfer.objects.filter(kind=Transfer.Kind.PAYMENT, order_ref=order.pk).count() == 1
    assert ledger.escrow_balance(order.pk) == 3_000_000
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_REQUIREMENTS
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert not any(run_checks().values())
