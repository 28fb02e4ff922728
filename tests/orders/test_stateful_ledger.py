"""Hypothesis drives random sequences of pay / submit / deliver / revise / confirm / cancel through
the real actions and checks the ledger invariants of DESIGN.md §3 (escrow's own checker) after each."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from escrow import ledger
from escrow.checks import run_checks
from escrow.gateways.sandbox import charge_decide
from escrow.models import Transfer
from orders import actions
from orders.exceptions import OrderError
from orders.models import Order
from tests.accounts.factories import UserFactory

from . import factories as f

S = Order.Status
HELD = (S.AWAITING_REQUIREMENTS, S.IN_PROGRESS, S.DELIVERED, S.REVISION_REQUESTED)


class OrderLedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.sid = transaction.savepoint()
        self.orders: list[int] = []

    def teardown(self):
        transaction.savepoint_rollback(self.sid)

    @initialize()
    def people(self):
        self.buyer = UserFactory()
        self.package = f.package(price=1_000_000)

    def _order(self, i) -> Order:
        return Order.objects.get(pk=self.orders[i % len(self.orders)])

    @rule()
    def create(self):
        self.orders.append(actions.order_create(buyer=self.buyer, package=self.package).pk)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), pay=st.booleans())
    def pay_gateway(self, i, pay):
        order = self._order(i)
        try:
            payment = f.start_payment(order)
        except OrderError:
            return
        charge_decide(authority=payment.authority, pay=pay)
        actions.order_payment_callback(order_id=order.pk, params=f.callback_params(payment), gateway="sandbox")

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50))
    def pay_wallet(self, i):
        try:
            actions.order_pay_from_wallet(order_id=self._order(i).pk, actor=self.buyer)
        except OrderError:
            pass

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50))
    def submit(self, i):
        try:
            actions.order_submit_requirements(order_id=self._order(i).pk, actor=self.buyer, answers={}, description="x")
        except OrderError:
            pass

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50))
    def deliver(self, i):
        order = self._order(i)
        try:
            actions.order_deliver(order_id=order.pk, actor=order.expert, message="x")
        except OrderError:
            pass

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50))
    def revise(self, i):
        try:
            actions.order_request_revision(order_id=self._order(i).pk, actor=self.buyer, note="x")
        except OrderError:
            pass

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50))
    def confirm(self, i):
        try:
            actions.order_confirm(order_id=self._order(i).pk, actor=self.buyer)
        except OrderError:
            pass

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), late=st.booleans())
    def cancel(self, i, late):
        order = self._order(i)
        if late and order.due_at:
            Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(seconds=1))
        try:
            actions.order_cancel(order_id=order.pk, actor=self.buyer)
        except OrderError:
            pass

    @rule()
    def auto_complete(self):
        actions.order_auto_complete(now=timezone.now() + dt.timedelta(days=30))

    @invariant()
    def ledger_holds(self):
        problems = {name: found for name, found in run_checks().items() if found}
        assert problems == {}

    @invariant()
    def escrow_matches_status(self):
        for order in Order.objects.filter(pk__in=self.orders):
            expected = order.total if order.status in HELD else 0
            assert ledger.escrow_balance(order.pk) == expected, (order.pk, order.status)
            assert Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref=order.pk).count() == (
                1 if order.status == S.COMPLETED else 0)


@pytest.mark.django_db
def test_random_order_histories_keep_the_ledger_invariants():
    run_state_machine_as_test(
        OrderLedgerMachine,
        settings=settings(max_examples=25, stateful_step_count=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )
