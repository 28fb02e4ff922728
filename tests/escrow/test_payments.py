"""Paying through the sandbox gateway: verification, forged callbacks, replays and races."""

import logging
import threading
import time

import pytest
from django.db import connection

from escrow import actions, ledger
from escrow.exceptions import PaymentNotFound
from escrow.gateways.sandbox import sign
from escrow.models import Payment, SandboxCharge, Transfer
from escrow.signals import payment_succeeded
from tests.accounts.factories import UserFactory

from .helpers import bank_decides, pay, start

AMOUNT = 1_250_000  # Rials: ۱۲۵٬۰۰۰ Toman


def verify(payment, params):
    return actions.payment_verify(gateway="sandbox", authority=params.get("Authority", ""), callback_params=params)


def test_a_paid_payment_moves_the_amount_into_the_orders_escrow(db):
    buyer = UserFactory()
    received = []
    payment_succeeded.connect(lambda sender, payment, transfer, **kw: received.append(transfer), weak=False,
                              dispatch_uid="test-received")
    try:
        payment = pay(buyer, order_ref=11, amount=AMOUNT)
    finally:
        payment_succeeded.disconnect(dispatch_uid="test-received")
    assert payment.status == Payment.Status.PAID
    assert payment.ref_id and "*" in payment.card_pan
    assert ledger.escrow_balance(11) == AMOUNT
    transfer = Transfer.objects.get(idempotency_key=f"payment:sandbox:{payment.authority}")
    assert received == [transfer]
    assert ledger.balance(ledger.clearing_account("sandbox")) == 0
    assert ledger.balance(ledger.outside_account()) == -AMOUNT


def test_payment_start_returns_the_sandbox_page(db):
    payment, url = actions.payment_start(order_ref=1, buyer=UserFactory(), amount=AMOUNT,
                                         callback_url="http://testserver/cb/", description="x")
    assert url == f"/pay/sandbox/{payment.authority}/"
    assert payment.status == Payment.Status.INITIATED
    assert SandboxCharge.objects.get(authority=payment.authority).amount == AMOUNT


def test_cancel_at_the_bank_credits_nothing_and_the_order_stays_payable(db):
    buyer = UserFactory()
    payment = start(buyer, order_ref=12, amount=AMOUNT)
    payment = verify(payment, bank_decides(payment, pay=False))
    assert payment.status == Payment.Status.CANCELLED
    assert ledger.escrow_balance(12) == 0
    assert "لغو" in actions.payment_message(payment) or actions.payment_message(payment)
    again = pay(buyer, order_ref=12, amount=AMOUNT)
    assert again.status == Payment.Status.PAID
    assert ledger.escrow_balance(12) == AMOUNT


def test_verification_is_idempotent(db):
    buyer = UserFactory()
    payment = start(buyer, order_ref=13, amount=AMOUNT)
    params = bank_decides(payment)
    for _ in range(3):
        assert verify(payment, params).status == Payment.Status.PAID
    assert ledger.escrow_balance(13) == AMOUNT
    assert Transfer.objects.filter(kind="payment").count() == 1


class TestForgedCallbacks:
    """Each forgery credits nothing and is logged."""

    def assert_nothing_credited(self, payment, order_ref):
        payment.refresh_from_db()
        assert payment.status != Payment.Status.PAID
        assert ledger.escrow_balance(order_ref) == 0
        assert not Transfer.objects.filter(kind="payment", order_ref=order_ref).exists()

    def test_wrong_signature(self, db, caplog):
        payment = start(UserFactory(), order_ref=21, amount=AMOUNT)
        params = bank_decides(payment)
        params["Signature"] = "0" * 64
        with caplog.at_level(logging.WARNING, logger="escrow"):
            verify(payment, params)
        self.assert_nothing_credited(payment, 21)
        assert "forged" in caplog.text

    def test_status_ok_for_an_unpaid_authority(self, db, caplog):
        payment = start(UserFactory(), order_ref=22, amount=AMOUNT)
        forged = {"Authority": payment.authority, "Status": "OK", "Amount": str(AMOUNT), "Signature": "f" * 64}
        with caplog.at_level(logging.WARNING, logger="escrow"):
            verify(payment, forged)
        self.assert_nothing_credited(payment, 22)
        assert "forged" in caplog.text
        # Even a correctly signed OK (as if the key leaked) fails: the bank never recorded a payment.
        signed = {**forged, "Signature": sign(payment.authority, "OK", AMOUNT)}
        verify(payment, signed)
        self.assert_nothing_credited(payment, 22)

    def test_another_payments_authority(self, db, caplog):
        buyer = UserFactory()
        victim = start(buyer, order_ref=23, amount=AMOUNT)
        own = start(buyer, order_ref=24, amount=10_000)
        own_params = bank_decides(own)  # the attacker pays their own small order
        forged = {**own_params, "Authority": victim.authority}
        with caplog.at_level(logging.WARNING, logger="escrow"):
            verify(victim, forged)
        self.assert_nothing_credited(victim, 23)
        assert "forged" in caplog.text

    def test_changed_amount(self, db, caplog):
        payment = start(UserFactory(), order_ref=25, amount=AMOUNT)
        params = bank_decides(payment)
        params["Amount"] = "10"
        with caplog.at_level(logging.WARNING, logger="escrow"):
            verify(payment, params)
        self.assert_nothing_credited(payment, 25)
        assert "forged" in caplog.text

    def test_bank_charged_another_amount_is_a_flagged_mismatch(self, db, caplog):
        payment = start(UserFactory(), order_ref=26, amount=AMOUNT)
        SandboxCharge.objects.filter(authority=payment.authority).update(amount=1000)
        params = bank_decides(payment)  # correctly signed by the bank, for 1000 Rials
        with caplog.at_level(logging.WARNING, logger="escrow"):
            payment = verify(payment, params)
        assert payment.status == Payment.Status.MISMATCH
        self.assert_nothing_credited(payment, 26)
        assert "different amount" in caplog.text

    def test_unknown_authority(self, db, caplog):
        with caplog.at_level(logging.WARNING, logger="escrow"), pytest.raises(PaymentNotFound):
            actions.payment_verify(gateway="sandbox", authority="SNOPE", callback_params={"Authority": "SNOPE"})
        assert "unknown authority" in caplog.text
        assert not Transfer.objects.exists()


def run_concurrently(n, func):
    """Run `func` in `n` threads released together; each thread has (and closes) its own connection."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(func())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_a_callback_replayed_20_times_concurrently_credits_escrow_once():
    payment = start(UserFactory(), order_ref=31, amount=AMOUNT)
    params = bank_decides(payment)
    began = time.perf_counter()
    results, errors = run_concurrently(20, lambda: verify(payment, params).status)
    print(f"20 concurrent verifications: {time.perf_counter() - began:.2f}s")
    assert errors == []
    assert results == [Payment.Status.PAID] * 20
    assert Transfer.objects.filter(kind="payment").count() == 1
    assert ledger.escrow_balance(31) == AMOUNT


@pytest.mark.django_db(transaction=True)
def test_20_concurrent_releases_release_once(settings):
    settings.COMMISSION_PERCENT = 10
    buyer, expert = UserFactory(), UserFactory()
    pay(buyer, order_ref=32, amount=AMOUNT)
    began = time.perf_counter()
    results, errors = run_concurrently(
        20, lambda: actions.escrow_release(order_ref=32, expert=expert, buyer=buyer, amount=AMOUNT).pk
    )
    assert errors == []
    print(f"20 concurrent releases: {time.perf_counter() - began:.2f}s")
    assert len(results) == 20 and len(set(results)) == 1
    assert Transfer.objects.filter(kind="release").count() == 1
    assert ledger.escrow_balance(32) == 0
    assert ledger.user_balances(expert)["pending"] == AMOUNT - AMOUNT // 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_wallet_payments_never_overdraw():
    buyer = UserFactory()
    ledger.post_transfer(key="seed", kind="adjustment",
                         legs=[(ledger.outside_account(), -3000), (ledger.user_account(buyer), 3000)])
    counter = iter(range(100, 200))
    lock = threading.Lock()

    def attempt():
        with lock:
            order = next(counter)
        return actions.escrow_pay_from_wallet(order_ref=order, buyer=buyer, amount=1000).pk

    results, errors = run_concurrently(10, attempt)
    assert len(results) == 3 and len(errors) == 7
    assert ledger.user_balances(buyer)["available"] == 0


def test_reconciliation_verifies_payments_the_payer_never_came_back_from(db):
    import datetime as dt

    from django.utils import timezone

    payment = start(UserFactory(), order_ref=41, amount=AMOUNT)
    bank_decides(payment)  # paid at the bank, but the browser never returned
    later = timezone.now() + dt.timedelta(hours=1)
    counts = actions.payment_reconcile(now=later)
    assert counts == {"paid": 1}
    assert ledger.escrow_balance(41) == AMOUNT
    assert actions.payment_reconcile(now=later) == {}
