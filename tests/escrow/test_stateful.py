"""Property test: any sequence of pay / replay / forge / release / refund / split / clear / withdraw
keeps every invariant of DESIGN.md §3, and balances match a simple model of where the money is."""

import datetime as dt
import itertools

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from escrow import actions, checks, ledger
from escrow.exceptions import InsufficientFunds
from escrow.models import Account, Payment, Payout
from escrow.payouts import FakePayoutProvider
from tests.accounts.factories import UserFactory

from .helpers import bank_decides, start

COMMISSION = 10
amounts = st.integers(min_value=1_000, max_value=50_000_000)


class LedgerMachine(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.buyer, self.expert = UserFactory(), UserFactory()
        self.refs = itertools.count(10_000)
        self.now = timezone.now()
        self.held: dict[int, int] = {}  # order → amount expected in escrow
        self.closed: set[int] = set()
        self.refunds: dict[int, int] = {}
        self.buyer_available = 0
        self.expert_total = 0  # pending + available + withdrawn
        self.expert_withdrawn = 0
        self.revenue = 0
        self.bank_in = 0

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    # --- rules -----------------------------------------------------------------------------------

    @rule(target=orders, amount=amounts)
    def pay_through_the_bank(self, amount):
        ref = next(self.refs)
        payment = start(self.buyer, order_ref=ref, amount=amount)
        params = bank_decides(payment)
        for _ in range(2):  # the callback arrives twice
            assert actions.payment_verify(gateway="sandbox", authority=payment.authority,
                                          callback_params=params).status == Payment.Status.PAID
        self.held[ref] = amount
        self.bank_in += amount
        return ref

    @rule(target=orders, amount=amounts)
    def pay_from_wallet(self, amount):
        ref = next(self.refs)
        if amount > self.buyer_available:
            with pytest.raises(InsufficientFunds):
                actions.escrow_pay_from_wallet(order_ref=ref, buyer=self.buyer, amount=amount)
            self.held[ref] = 0
            self.closed.add(ref)
            return ref
        actions.escrow_pay_from_wallet(order_ref=ref, buyer=self.buyer, amount=amount)
        self.buyer_available -= amount
        self.held[ref] = amount
        return ref

    @rule(amount=amounts, how=st.sampled_from(["cancel", "bad_signature", "changed_amount", "unpaid_ok"]))
    def a_payment_that_must_credit_nothing(self, amount, how):
        ref = next(self.refs)
        payment = start(self.buyer, order_ref=ref, amount=amount)
        if how == "cancel":
            params = bank_decides(payment, pay=False)
        elif how == "bad_signature":
            params = {**bank_decides(payment), "Signature": "0" * 64}
        elif how == "changed_amount":
            params = {**bank_decides(payment), "Amount": str(amount + 10)}
        else:
            params = {"Authority": payment.authority, "Status": "OK", "Amount": str(amount), "Signature": "x"}
        actions.payment_verify(gateway="sandbox", authority=payment.authority, callback_params=params)
        assert ledger.escrow_balance(ref) == 0

    @rule(ref=orders, times=st.integers(1, 3))
    def confirm(self, ref, times):
        if ref in self.closed:
            return
        amount = self.held[ref]
        for _ in range(times):
            actions.escrow_release(order_ref=ref, expert=self.expert, buyer=self.buyer, amount=amount)
        commission = amount * COMMISSION // 100
        self.expert_total += amount - commission
        self.revenue += commission
        self.held[ref] = 0
        self.closed.add(ref)

    @rule(ref=orders, times=st.integers(1, 2))
    def cancel_with_refund(self, ref, times):
        if ref in self.closed:
            return
        for _ in range(times):
            actions.escrow_refund(order_ref=ref, buyer=self.buyer, amount=self.held[ref], n=1)
        self.buyer_available += self.held[ref]
        self.held[ref] = 0
        self.closed.add(ref)

    @rule(ref=orders, share=st.integers(0, 100))
    def resolve_dispute(self, ref, share):
        if ref in self.closed:
            return
        amount = self.held[ref]
        to_buyer = amount * share // 100
        to_expert = amount - to_buyer
        actions.escrow_split(order_ref=ref, buyer=self.buyer, expert=self.expert, buyer_amount=to_buyer,
                             expert_amount=to_expert)
        commission = to_expert * COMMISSION // 100
        self.buyer_available += to_buyer
        self.expert_total += to_expert - commission
        self.revenue += commission
        self.held[ref] = 0
        self.closed.add(ref)

    @rule(days=st.integers(0, 5))
    def time_passes_and_clearance_runs(self, days):
        self.now += dt.timedelta(days=days)
        actions.earnings_clear(now=self.now)
        actions.earnings_clear(now=self.now)

    @rule(fraction=st.integers(1, 100), paid=st.booleans(), through_batch=st.booleans())
    def withdraw(self, fraction, paid, through_batch):
        available = ledger.user_balances(self.expert)["available"]
        amount = available * fraction // 100
        if amount <= 0:
            return
        sheba = "IR49" + "0" * 22
        with override_settings(WITHDRAWAL_MIN_TOMAN=0):
            payout = actions.payout_request(user=self.expert, amount=amount, sheba=sheba)
        assert ledger.user_balances(self.expert)["in_flight"] == amount
        if through_batch:
            # The beat task hands it to the (fake) payout provider, which pays or refuses it.
            FakePayoutProvider.failing = set() if paid else {sheba}
            try:
                batch = actions.payout_dispatch(provider=FakePayoutProvider())
            finally:
                FakePayoutProvider.failing = set()
            assert batch is not None and batch.count == 1
            assert Payout.objects.get(pk=payout.pk).status == ("paid" if paid else "failed")
        elif paid:
            actions.payout_mark_paid(payout_id=payout.pk)
        else:
            actions.payout_mark_failed(payout_id=payout.pk)
        # Finishing twice changes nothing.
        actions.payout_mark_paid(payout_id=payout.pk)
        actions.payout_mark_failed(payout_id=payout.pk)
        if paid:
            self.expert_withdrawn += amount

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def database_constraints_hold(self):
        # Fire the deferred balance triggers now, as a commit would.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def _escrow_balances(self) -> dict[int, int]:
        """`ledger.escrow_balance(ref)` of every order the machine made, in one query."""
        found = dict(Account.objects.filter(kind=Account.Kind.ORDER_ESCROW, order_ref__in=list(self.held))
                     .annotate(total=Sum("legs__amount")).values_list("order_ref", "total"))
        return {ref: found.get(ref) or 0 for ref in self.held}

    @invariant()
    def ledger_invariants_hold(self):
        assert checks.unbalanced_transfers() == []
        assert checks.negative_balances() == []
        assert checks.total_not_zero() == []
        assert checks.paid_payments_without_transfer() == []
        escrow = self._escrow_balances()
        for ref in self.closed:
            assert escrow[ref] == 0

    @invariant()
    def balances_match_the_model(self):
        assert self._escrow_balances() == self.held
        buyer = ledger.user_balances(self.buyer)
        expert = ledger.user_balances(self.expert)
        assert buyer == {"available": self.buyer_available, "pending": 0, "in_flight": 0}
        assert expert["pending"] + expert["available"] + self.expert_withdrawn == self.expert_total
        assert expert["in_flight"] == 0
        assert ledger.balance(ledger.revenue_account()) == self.revenue
        assert ledger.balance(ledger.outside_account()) == -self.bank_in + self.expert_withdrawn


def test_every_sequence_keeps_the_ledger_invariants(db):
    assert django_settings.COMMISSION_PERCENT == COMMISSION
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=25, stateful_step_count=15, deadline=None,
                          suppress_health_check=list(HealthCheck)),
    )
