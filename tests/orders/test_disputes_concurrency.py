"""Two staff resolving the same dispute at the same moment: it is resolved once, the escrow moves once."""

import pytest

from escrow import ledger
from escrow.checks import run_checks
from escrow.models import Transfer
from orders import actions
from orders.exceptions import OrderTransitionError
from orders.models import Dispute, Order, OrderEvent
from tests.accounts.factories import UserFactory
from tests.concurrency import run_concurrently

from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("n", [2, 8])
def test_concurrent_resolutions_resolve_once(n):
    order = f.delivered_order(price=2_000_000)
    actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="مشکل دارد.")
    staff = [UserFactory(is_staff=True) for _ in range(n)]
    # Each one decides differently: whichever wins, only its money movement happens.
    decisions = [("refund", None), ("release", None), ("split", 700_000)]

    def resolve(i):
        outcome, amount = decisions[i % len(decisions)]
        return actions.order_dispute_resolve(order_id=order.pk, actor=staff[i], outcome=outcome,
                                             buyer_amount=amount, note=f"تصمیم {i}")

    results, errors = run_concurrently(resolve, n=n)
    assert len(results) == 1 and len(errors) == n - 1, errors
    assert all(isinstance(e, OrderTransitionError) and e.code == "already_resolved" for e in errors), errors
    winner = results[0]
    order.refresh_from_db()
    dispute = Dispute.objects.get(order=order)
    assert dispute.outcome == winner.outcome and dispute.resolved_by_id == winner.resolved_by_id
    assert order.status == (Order.Status.CANCELLED if winner.outcome == "refund" else Order.Status.COMPLETED)
    settling = Transfer.objects.filter(order_ref=order.pk).exclude(kind=Transfer.Kind.PAYMENT)
    assert settling.count() == 1
    assert OrderEvent.objects.filter(order=order, kind="resolved").count() == 1
    assert ledger.escrow_balance(order.pk) == 0
    assert not any(run_checks().values())
