"""Hypothesis drives random sequences of pay / submit / deliver / revise / confirm / cancel / expire /
cancel by agreement / dispute and settle / withdraw the wallet (payout paid or failed) through
the real actions. Each rule first predicts, from the state the machine tracks itself, whether the
action is allowed and what the order becomes; it then asserts the outcome both ways (done and
moved as predicted, or refused with an `OrderError` and nothing changed). After every step the
ledger invariants of DESIGN.md §3 hold (escrow's checks plus the orders app's)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.db.models import Sum
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
from escrow.models import Account, Transfer
from orders import actions
from orders.exceptions import OrderError
from orders.models import Order
from tests.accounts.factories import UserFactory

from . import factories as f

S = Order.Status
HELD = (S.AWAITING_REQUIREMENTS, S.IN_PROGRESS, S.DELIVERED, S.REVISION_REQUESTED, S.DISPUTED)
WORKING = (S.IN_PROGRESS, S.REVISION_REQUESTED)
ADVANCES = (S.PENDING_PAYMENT, S.AWAITING_REQUIREMENTS, *WORKING, S.DELIVERED)

# Most steps aim at an order the action fits, so histories get far; the rest test refusals.
AIM = st.sampled_from([True, True, True, False])

# Successful transitions per rule, over every run of the machine in this session.
SUCCEEDED: Counter = Counter()
REFUSED: Counter = Counter()


@dataclass
class Tracked:
    """What the machine believes about one order."""

    pk: int
    total: int
    revisions_allowed: int | None
    status: str = S.PENDING_PAYMENT
    revisions_used: int = 0
    late: bool = False


class OrderLedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.sid = transaction.savepoint()
        self.orders: list[Tracked] = []
        self.wallet = 0  # the buyer's available balance, as the machine predicts it

    def teardown(self):
        transaction.savepoint_rollback(self.sid)

    @initialize()
    def people(self):
        self.buyer = UserFactory()
        self.staff = UserFactory(is_staff=True)
        self.package = f.package(price=1_000_000)

    def _pick(self, i, fits=None) -> Tracked:
        """Order number `i`; with `fits`, among the orders it fits (when any), so that the allowed
        path is taken often; without, any order, so that refusals are tested too."""
        pool = [t for t in self.orders if fits(t)] if fits else []
        pool = pool or self.orders
        return pool[i % len(pool)]

    def _attempt(self, name: str, tracked: Tracked, allowed: bool, call, then: str | None = None) -> None:
        """Run `call`; if `allowed`, it must succeed and leave the order `then` (default: unchanged);
        otherwise it must raise `OrderError` and change nothing."""
        before = tracked.status
        if allowed:
            call()
            SUCCEEDED[name] += 1
            tracked.status = then or before
        else:
            with pytest.raises(OrderError):
                call()
            REFUSED[name] += 1
        assert Order.objects.get(pk=tracked.pk).status == tracked.status, (name, before, allowed)

    @precondition(lambda self: len(self.orders) < 4)
    @rule()
    def create(self):
        order = actions.order_create(buyer=self.buyer, package=self.package)
        self.orders.append(Tracked(pk=order.pk, total=order.total, revisions_allowed=order.revisions_allowed))
        SUCCEEDED["create"] += 1

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), pay=st.booleans(), aim=AIM)
    def pay_gateway(self, i, pay, aim):
        t = self._pick(i, (lambda t: t.status == S.PENDING_PAYMENT) if aim else None)
        order = Order.objects.get(pk=t.pk)
        if t.status != S.PENDING_PAYMENT:
            self._attempt("pay_gateway", t, False, lambda: f.start_payment(order))
            return
        payment = f.start_payment(order)
        charge_decide(authority=payment.authority, pay=pay)
        self._attempt(
            "pay_gateway" if pay else "pay_gateway_cancelled", t, True,
            lambda: actions.order_payment_callback(order_id=t.pk, params=f.callback_params(payment), gateway="sandbox"),
            then=S.AWAITING_REQUIREMENTS if pay else S.PENDING_PAYMENT,
        )

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), aim=AIM)
    def pay_wallet(self, i, aim):
        t = self._pick(i, (lambda t: t.status == S.PENDING_PAYMENT) if aim else None)
        allowed = t.status == S.PENDING_PAYMENT and self.wallet >= t.total
        self._attempt("pay_wallet", t, allowed, lambda: actions.order_pay_from_wallet(order_id=t.pk, actor=self.buyer),
                      then=S.AWAITING_REQUIREMENTS)
        if allowed:
            self.wallet -= t.total

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), aim=AIM)
    def submit(self, i, aim):
        t = self._pick(i, (lambda t: t.status == S.AWAITING_REQUIREMENTS) if aim else None)
        self._attempt("submit", t, t.status == S.AWAITING_REQUIREMENTS, lambda: actions.order_submit_requirements(
            order_id=t.pk, actor=self.buyer, answers={}, description="x"), then=S.IN_PROGRESS)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), aim=AIM)
    def deliver(self, i, aim):
        t = self._pick(i, (lambda t: t.status in WORKING) if aim else None)
        order = Order.objects.get(pk=t.pk)
        self._attempt("deliver", t, t.status in WORKING,
                      lambda: actions.order_deliver(order_id=t.pk, actor=order.expert, message="x"), then=S.DELIVERED)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), aim=AIM)
    def revise(self, i, aim):
        t = self._pick(i, (lambda t: t.status == S.DELIVERED) if aim else None)
        allowed = t.status == S.DELIVERED and (t.revisions_allowed is None or t.revisions_used < t.revisions_allowed)
        self._attempt("revise", t, allowed,
                      lambda: actions.order_request_revision(order_id=t.pk, actor=self.buyer, note="x"),
                      then=S.REVISION_REQUESTED)
        if allowed:
            t.revisions_used += 1
            t.late = False  # a revision gives the expert a fresh clock

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), aim=AIM)
    def confirm(self, i, aim):
        t = self._pick(i, (lambda t: t.status == S.DELIVERED) if aim else None)
        self._attempt("confirm", t, t.status == S.DELIVERED,
                      lambda: actions.order_confirm(order_id=t.pk, actor=self.buyer), then=S.COMPLETED)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), late=st.booleans(), aim=AIM)
    def cancel(self, i, late, aim):
        t = self._pick(i, (lambda t: t.status not in (S.COMPLETED, S.CANCELLED)) if aim else None)
        if late and t.status in WORKING:
            Order.objects.filter(pk=t.pk).update(due_at=timezone.now() - dt.timedelta(seconds=1))
            t.late = True
        allowed = t.status in (S.PENDING_PAYMENT, S.AWAITING_REQUIREMENTS) or (t.status in WORKING and t.late)
        held = t.status in HELD
        self._attempt("cancel", t, allowed, lambda: actions.order_cancel(order_id=t.pk, actor=self.buyer),
                      then=S.CANCELLED)
        if allowed and held:
            self.wallet += t.total

    @precondition(lambda self: any(t.status in ADVANCES for t in self.orders))
    @rule(i=st.integers(0, 50), confirm=st.booleans())
    def advance(self, i, confirm):
        """The next step of an open order's usual life, so histories reach delivery and completion."""
        t = self._pick(i, lambda t: t.status in ADVANCES)
        if t.status == S.PENDING_PAYMENT:
            self.pay_gateway(i, pay=True, aim=True)
        elif t.status == S.AWAITING_REQUIREMENTS:
            self.submit(i, aim=True)
        elif t.status in WORKING:
            self.deliver(i, aim=True)
        elif confirm:
            self.confirm(i, aim=True)
        else:
            self.revise(i, aim=True)

    @rule()
    def auto_complete(self):
        delivered = [t for t in self.orders if t.status == S.DELIVERED]
        assert actions.order_auto_complete(now=timezone.now() + dt.timedelta(days=30)) == len(delivered)
        for t in delivered:
            t.status = S.COMPLETED
        SUCCEEDED["auto_complete"] += len(delivered)

    @rule(now=st.integers(0, 5))
    def a_day_passes_and_unpaid_orders_expire(self, now):
        if now:  # most runs of the beat task find nothing old enough
            assert actions.order_expire_unpaid() == 0
            return
        pending = [t for t in self.orders if t.status == S.PENDING_PAYMENT]
        assert actions.order_expire_unpaid(now=timezone.now() + dt.timedelta(hours=25)) == len(pending)
        for t in pending:
            t.status = S.CANCELLED
        SUCCEEDED["expire"] += len(pending)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), accept=st.booleans(), aim=AIM)
    def cancel_by_agreement(self, i, accept, aim):
        """The expert asks to cancel; the buyer accepts (full refund) or declines (nothing moves)."""
        agreeable = (S.IN_PROGRESS, S.REVISION_REQUESTED, S.DELIVERED)
        t = self._pick(i, (lambda t: t.status in agreeable) if aim else None)
        order = Order.objects.get(pk=t.pk)
        if t.status not in agreeable:
            self._attempt("cancel_by_agreement", t, False, lambda: actions.order_cancellation_request(
                order_id=t.pk, actor=order.expert, reason="x"))
            return
        request = actions.order_cancellation_request(order_id=t.pk, actor=order.expert, reason="x")
        self._attempt("cancel_by_agreement" if accept else "cancel_by_agreement_declined", t, True,
                      lambda: actions.order_cancellation_answer(order_id=t.pk, actor=self.buyer,
                                                                request_id=request.pk, accept=accept),
                      then=S.CANCELLED if accept else None)
        if accept:
            self.wallet += t.total

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 50), outcome=st.sampled_from(["refund", "release", "split"]),
          share=st.integers(0, 1_000_000), aim=AIM)
    def dispute_and_settle(self, i, outcome, share, aim):
        t = self._pick(i, (lambda t: t.status in Order.DISPUTABLE) if aim else None)
        if t.status not in Order.DISPUTABLE:
            self._attempt("dispute", t, False, lambda: actions.order_dispute_open(
                order_id=t.pk, actor=self.buyer, reason="x"))
            return
        self._attempt("dispute", t, True, lambda: actions.order_dispute_open(
            order_id=t.pk, actor=self.buyer, reason="x"), then=S.DISPUTED)
        self._attempt(f"settle_{outcome}", t, True, lambda: actions.order_dispute_resolve(
            order_id=t.pk, actor=self.staff, outcome=outcome, buyer_amount=share, note="n"),
            then=S.CANCELLED if outcome == "refund" else S.COMPLETED)
        if outcome == "refund" or (outcome == "split" and share >= t.total):
            self.wallet += t.total  # the whole price back: the buyer's fee too (one rule)
        elif outcome == "split":
            self.wallet += share

    @rule(paid=st.booleans())
    def buyer_withdraws_the_wallet(self, paid):
        """Refunds in the wallet go to the bank through the payout provider, or come back whole."""
        from escrow import actions as escrow
        from escrow.payouts import FakePayoutProvider

        if self.wallet <= 0:
            return
        sheba = "IR062960000000100324200001"
        with override_settings(WITHDRAWAL_MIN_TOMAN=0):
            escrow.payout_request(user=self.buyer, amount=self.wallet, sheba=sheba)
        FakePayoutProvider.failing = set() if paid else {sheba}
        try:
            escrow.payout_dispatch(provider=FakePayoutProvider())
        finally:
            FakePayoutProvider.failing = set()
        if paid:
            self.wallet = 0
        SUCCEEDED["payout_paid" if paid else "payout_failed"] += 1
        assert ledger.user_balances(self.buyer)["in_flight"] == 0

    @invariant()
    def ledger_holds(self):
        problems = {name: found for name, found in run_checks().items() if found}
        assert problems == {}

    @invariant()
    def money_matches_the_model(self):
        if not self.orders:
            return
        pks = [t.pk for t in self.orders]
        statuses = dict(Order.objects.filter(pk__in=pks).values_list("pk", "status"))
        held = dict(Account.objects.filter(kind=Account.Kind.ORDER_ESCROW, order_ref__in=pks)
                    .annotate(total=Sum("legs__amount")).values_list("order_ref", "total"))
        releases = Counter(Transfer.objects.filter(kind__in=[Transfer.Kind.RELEASE, Transfer.Kind.SPLIT],
                                                   order_ref__in=pks).values_list("order_ref", flat=True))
        for t in self.orders:
            assert statuses[t.pk] == t.status, (t.pk, statuses[t.pk], t.status)
            assert (held.get(t.pk) or 0) == (t.total if t.status in HELD else 0), (t.pk, t.status)
            assert releases[t.pk] == (1 if t.status == S.COMPLETED else 0), (t.pk, t.status)
        assert ledger.user_balances(self.buyer)["available"] == self.wallet


@pytest.mark.django_db
def test_random_order_histories_keep_the_ledger_invariants():
    SUCCEEDED.clear()
    REFUSED.clear()
    run_state_machine_as_test(
        OrderLedgerMachine,
        settings=settings(max_examples=6, stateful_step_count=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )
    print(f"\nsucceeded: {dict(SUCCEEDED)}\nrefused: {dict(REFUSED)}")
    moves = sum(n for name, n in SUCCEEDED.items() if name != "create")
    assert moves > 0, "no order ever moved: the machine tested nothing"
