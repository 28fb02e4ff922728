"""A batch job killed before or after its ledger write neither loses nor doubles money on retry: each
row runs in one transaction, so a crash rolls the row back whole and the next run does it once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from escrow import actions as escrow
from escrow import ledger
from escrow.checks import run_checks
from escrow.models import Payout, Transfer
from orders import actions
from orders.actions import closing
from orders.models import Order
from tests.escrow.test_withdrawals import SHEBA, fund

from . import factories as f

pytestmark = pytest.mark.django_db


def _old_delivery(order):
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=10))


@pytest.mark.parametrize("where", ["before", "after"])
def test_auto_complete_killed_around_the_release_retries_once(monkeypatch, where, caplog):
    first, second = f.delivered_order(), f.delivered_order()
    _old_delivery(first)
    _old_delivery(second)
    crash_on = first.pk

    if where == "before":
        real = closing.escrow.escrow_release

        def release(**kwargs):
            if kwargs["order_ref"] == crash_on:
                raise RuntimeError("worker killed before the ledger write")
            return real(**kwargs)

        monkeypatch.setattr(closing.escrow, "escrow_release", release)
    else:
        real_email = closing.order_email

        def email(order, what, **kwargs):
            if order.pk == crash_on:
                raise RuntimeError("worker killed after the ledger write")
            return real_email(order, what, **kwargs)

        monkeypatch.setattr(closing, "order_email", email)
    assert actions.order_auto_complete() == 1  # the other order still completed
    assert "retried next run" in caplog.text
    assert Order.objects.get(pk=first.pk).status == Order.Status.DELIVERED
    assert not Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref=first.pk).exists()
    monkeypatch.undo()
    assert actions.order_auto_complete() == 1
    assert actions.order_auto_complete() == 0
    assert Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref=first.pk).count() == 1
    assert ledger.escrow_balance(first.pk) == 0
    assert not any(run_checks().values())


@pytest.mark.parametrize("where", ["before", "after"])
def test_payout_recording_killed_around_the_ledger_write_retries_once(monkeypatch, where, settings):
    from django.contrib.auth import get_user_model

    settings.WITHDRAWAL_MIN_TOMAN = 1
    user = get_user_model().objects.create_user(email=f"crash-{where}@example.com", password=None)
    fund(user, 1_000_000)
    payout = escrow.payout_request(user=user, amount=1_000_000, sheba=SHEBA)
    real_post, real_notify = escrow.ledger.post_transfer, escrow._payout_notify
    if where == "before":
        monkeypatch.setattr(escrow.ledger, "post_transfer",
                            lambda **kw: (_ for _ in ()).throw(RuntimeError("killed before")))
    else:
        monkeypatch.setattr(escrow, "_payout_notify", lambda p: (_ for _ in ()).throw(RuntimeError("killed after")))
    with pytest.raises(RuntimeError):
        escrow.payout_mark_paid(payout_id=payout.pk)
    assert Payout.objects.get(pk=payout.pk).status == Payout.Status.REQUESTED
    assert ledger.user_balances(user)["in_flight"] == 1_000_000
    monkeypatch.setattr(escrow.ledger, "post_transfer", real_post)
    monkeypatch.setattr(escrow, "_payout_notify", real_notify)
    escrow.payout_mark_paid(payout_id=payout.pk)
    escrow.payout_mark_paid(payout_id=payout.pk)
    assert Transfer.objects.filter(kind=Transfer.Kind.PAYOUT_DONE).count() == 1
    assert ledger.user_balances(user) == {"available": 0, "pending": 0, "in_flight": 0}
    assert not any(run_checks().values())
