"""Release, refund, split and mutual cancellation are mutually exclusive per order, under real threads
on real PostgreSQL; and checkout under concurrency makes one order per form and no orphans."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from escrow import ledger
from escrow.checks import run_checks
from escrow.models import Transfer
from orders import actions
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.concurrency import run_concurrently
from tests.escrow.test_withdrawals import fund

from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
REPETITIONS = 100
MONEY_KINDS = (Transfer.Kind.RELEASE, Transfer.Kind.REFUND, Transfer.Kind.SPLIT)


def _outcome(order: Order) -> str:
    transfers = list(Transfer.objects.filter(order_ref=order.pk, kind__in=MONEY_KINDS)
                     .exclude(idempotency_key__contains=":payment-"))
    assert len(transfers) <= 1, [t.idempotency_key for t in transfers]
    if not transfers:
        return "disputed" if order.status == Order.Status.DISPUTED else "none"
    key = transfers[0].idempotency_key
    if key.endswith(":mutual"):
        return "mutual_cancel"
    return transfers[0].kind


def test_confirm_mutual_cancel_dispute_and_auto_complete_race_to_exactly_one_outcome():
    """Each repetition: a delivered order past its auto-complete time with the expert's request to
    cancel pending (even repetitions) or without one (odd). Four threads at once: the buyer confirms,
    the buyer accepts the cancellation, the expert opens a dispute, the beat task auto-completes."""
    staff = UserFactory(is_staff=True)
    # One buyer and one package for all repetitions (a new order each time): a repetition then
    # costs the order and the race, not the making of two users, a service and a package.
    buyer, package = UserFactory(), f.package(price=1_000_000)
    outcomes: Counter = Counter()
    for rep in range(REPETITIONS):
        order = f.delivered_order(buyer=buyer, of_package=package)
        Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=10))
        request = None
        if rep % 2 == 0:
            request = actions.order_cancellation_request(order_id=order.pk, actor=order.expert, reason="نمی‌رسم")

        def attempt(i, order=order, request=request, rep=rep):
            i = (i + rep // 2) % 4  # each side gets to start first in turn
            if i == 0:
                return actions.order_confirm(order_id=order.pk, actor=order.buyer)
            if i == 1 and request is not None:
                return actions.order_cancellation_answer(order_id=order.pk, actor=order.buyer,
                                                         request_id=request.pk, accept=True)
            if i == 2:
                return actions.order_dispute_open(order_id=order.pk, actor=order.expert, reason="اختلاف")
            if i == 3:
                return actions.order_auto_complete()
            return None

        _results, errors = run_concurrently(attempt, 4)
        assert all(type(e).__module__.startswith("orders") for e in errors), errors
        order.refresh_from_db()
        outcome = _outcome(order)
        if outcome == "disputed":
            # The dispute won the race: staff settle it with a split, while the buyer tries to confirm
            # and a second staff member refunds. Exactly one settles.
            other_staff = UserFactory(is_staff=True)
            run_concurrently(lambda i, order=order, other_staff=other_staff: [
                lambda: actions.order_dispute_resolve(order_id=order.pk, actor=staff, outcome="split",
                                                      buyer_amount=400_000, note="نیمی"),
                lambda other=other_staff: actions.order_dispute_resolve(order_id=order.pk, actor=other, outcome="refund",
                                                      note="همه"),
                lambda: actions.order_confirm(order_id=order.pk, actor=order.buyer),
                lambda: actions.order_auto_complete(),
            ][i](), 4)
            order.refresh_from_db()
            outcome = "disputed→" + _outcome(order)
        assert outcome not in ("none", "disputed"), (rep, outcome, order.status)
        assert ledger.escrow_balance(order.pk) == 0
        outcomes[outcome] += 1
    assert not any(run_checks().values())
    assert sum(outcomes.values()) == REPETITIONS
    print(f"\n{REPETITIONS} races, one outcome each: {dict(outcomes)}")


def test_twenty_concurrent_wallet_checkouts_leave_no_orphan_order(settings):
    """The issue's case: 20 wallet attempts at once with balance for one. One order, zero unpaid."""
    settings.BUYER_FEE_PERCENT = 0
    for _rep in range(5):
        package = f.package(price=1_000_000)
        buyer = UserFactory()
        fund(buyer, 1_500_000)
        results, errors = run_concurrently(
            lambda i, buyer=buyer, package=package: actions.order_checkout(
                buyer=buyer, package=package, expected_total=1_000_000, key=f"tab-{i}", method="wallet").pk, 20)
        assert len(results) == 1 and len(errors) == 19
        assert Order.objects.filter(buyer=buyer).count() == 1
        assert Order.objects.filter(buyer=buyer, status=Order.Status.PENDING_PAYMENT).count() == 0
        assert ledger.user_balances(buyer)["available"] == 500_000


def test_one_form_submitted_twenty_times_at_once_makes_one_paid_order(settings):
    settings.BUYER_FEE_PERCENT = 0
    for _rep in range(5):
        package = f.package(price=1_000_000)
        buyer = UserFactory()
        fund(buyer, 5_000_000)
        results, errors = run_concurrently(
            lambda i, buyer=buyer, package=package: actions.order_checkout(
                buyer=buyer, package=package, expected_total=1_000_000, key="one-form", method="wallet").pk, 20)
        assert errors == [] and len(set(results)) == 1
        assert ledger.user_balances(buyer)["available"] == 4_000_000
    assert not any(run_checks().values())
