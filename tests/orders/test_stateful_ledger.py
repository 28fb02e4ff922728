"""Hypothesis drives random sequences of pay / submit / deliver / revise / confirm / cancel / expire /
cancel by agreement / dispute and settle / withdraw refunds (paid or failed payouts) through
the real actions and checks the ledger invariants of DESIGN.md §3 (escrow's own checker) after each."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
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
HELD = (S.AWAITING_REQUIREMENTS, S.IN_PROGRESS, S.DELIVERED, S.REVISION_REQUESTED, S.DISPUTED)


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
        self.staff = UserFactory(is_staff=True)
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

    @rule()
    def a_day_passes_and_unpaid_orders_expire(self):
        actions.order_expire_unpaid(now=timezone.now() + dt.timedelta(hours=25))

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), accept=st.booleans())
    def cancel_by_agreement(self, i, accept):
        order = self._order(i)
        try:
            request = actions.order_cancellation_request(order_id=order.pk, actor=order.expert, reason="x")
            actions.order_cancellation_answer(order_id=order.pk, actor=self.buyer, request_id=request.pk,
                                              accept=accept)
        except OrderError:
            pass

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), outcome=st.sampled_from(["refund", "release", "split"]),
          share=st.integers(0, 1_000_000))
    def dispute_and_settle(self, i, outcome, share):
        order = self._order(i)
        try:
            actions.order_dispute_open(order_id=order.pk, actor=self.buyer, reason="x")
        except OrderError:
            return
        actions.order_dispute_resolve(order_id=order.pk, actor=self.staff, outcome=outcome, buyer_amount=share,
                                      note="n")

    @rule(paid=st.booleans())
    def buyer_withdraws_refunds(self, paid):
        """Refunds in the buyer's wallet go to the bank through the payout provider, or come back."""
        from escrow import actions as escrow
        from escrow.payouts import FakePayoutProvider

        available = ledger.user_balances(self.buyer)["available"]
        if available <= 0:
            return
        sheba = "IR062960000000100324200001"
        with override_settings(WITHDRAWAL_MIN_TOMAN=0):
            escrow.payout_request(user=self.buyer, amount=available, sheba=sheba)
        FakePayoutProvider.failing = set() if paid else {sheba}
        try:
            escrow.payout_dispatch(provider=FakePayoutProvider())
        finally:
            FakePayoutProvider.failing = set()
        assert ledger.user_balances(self.buyer) == {
            "available": 0 if paid else available, "pending": 0, "in_flight": 0}

    @invariant()
    def ledger_holds(self):
        problems = {name: found for name, found in run_checks().items() if found}
        assert problems == {}

    @invariant()
    def escrow_matches_status(self):
        for order in Order.objects.filter(pk__in=self.orders):
            expected = order.total if order.status in HELD else 0
            assert ledger.escrow_balance(order.pk) == expected, (order.pk, order.status)
            assert Transfer.objects.filter(kind__in=[Transfer.Kind.RELEASE, Transfer.Kind.SPLIT],
                                           order_ref=order.pk).count() == (1 if order.status == S.COMPLETED else 0)


@pytest.mark.django_db
def test_random_order_histories_keep_the_ledger_invariants():
    run_state_machine_as_test(
        OrderLedgerMachine,
        settings=settings(max_examples=25, stateful_step_count=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )
