"""The Zarinpal v4 adapter against a local fake server speaking Zarinpal's documented JSON."""

import datetime as dt

import pytest
from django.utils import timezone

from escrow import actions, ledger
from escrow.exceptions import GatewayError, GatewayUnavailable
from escrow.gateways import get_gateway
from escrow.gateways.zarinpal import ZarinpalGateway
from escrow.models import Payment, Transfer
from tests.accounts.factories import UserFactory

from .fake_zarinpal import FakeZarinpal

AMOUNT = 2_500_000
MERCHANT = "1344b5d4-0048-11e8-94db-005056a205be"


@pytest.fixture
def fake():
    server = FakeZarinpal().start()
    yield server
    server.stop()


@pytest.fixture
def zarinpal(settings, fake):
    settings.PAYMENT_GATEWAY = "zarinpal"
    settings.ZARINPAL_MERCHANT_ID = MERCHANT
    settings.ZARINPAL_BASE_URL = fake.url
    settings.ZARINPAL_STARTPAY_URL = f"{fake.url}/pg/StartPay/"
    settings.ZARINPAL_TIMEOUT = 0.3
    return fake


def start(order_ref=1, amount=AMOUNT):
    return actions.payment_start(order_ref=order_ref, buyer=UserFactory(), amount=amount,
                                 callback_url="https://azmoodegan.ir/orders/pay/callback/", description="سفارش")


def callback(payment, status="OK"):
    return actions.payment_verify(gateway="zarinpal", authority=payment.authority,
                                  callback_params={"Authority": payment.authority, "Status": status})


def test_hosts_follow_the_sandbox_setting(settings):
    settings.ZARINPAL_BASE_URL = ""
    settings.ZARINPAL_STARTPAY_URL = ""
    assert ZarinpalGateway(sandbox=False).base_url == "https://api.zarinpal.com"
    assert ZarinpalGateway(sandbox=False).startpay_url == "https://www.zarinpal.com/pg/StartPay/"
    assert ZarinpalGateway(sandbox=True).base_url == "https://sandbox.zarinpal.com"
    assert get_gateway("zarinpal").name == "zarinpal"


def test_request_sends_rials_with_the_currency_and_redirects_to_startpay(db, zarinpal):
    payment, url = start(order_ref=7)
    path, body = zarinpal.requests[-1]
    assert path == "/pg/v4/payment/request.json"
    assert body["amount"] == AMOUNT and body["currency"] == "IRR"
    assert body["merchant_id"] == MERCHANT
    assert body["callback_url"] == "https://azmoodegan.ir/orders/pay/callback/"
    assert body["metadata"]["order_id"] == "7"
    assert payment.authority.startswith("A") and len(payment.authority) == 36
    assert url == f"{zarinpal.url}/pg/StartPay/{payment.authority}"


@pytest.mark.parametrize(("merchant", "code"), [("bad-merchant", "-9"), ("inactive-merchant", "-11")])
def test_refused_requests_fail_the_payment_with_a_persian_message(db, zarinpal, settings, merchant, code):
    settings.ZARINPAL_MERCHANT_ID = merchant
    with pytest.raises(GatewayError) as info:
        start()
    assert info.value.code == code
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.FAILED and payment.code == code


def test_paid_payment_is_verified_once_and_credited(db, zarinpal):
    payment, _ = start(order_ref=8)
    zarinpal.pay(payment.authority)
    payment = callback(payment)
    assert payment.status == Payment.Status.PAID
    assert payment.ref_id == "201" and payment.card_pan == "502229******5995"
    path, body = zarinpal.requests[-1]
    assert path == "/pg/v4/payment/verify.json"
    assert body == {"merchant_id": MERCHANT, "amount": AMOUNT, "authority": payment.authority}
    assert callback(payment).status == Payment.Status.PAID  # a replay doesn't even ask the bank
    assert ledger.escrow_balance(8) == AMOUNT
    assert Transfer.objects.filter(kind="payment").count() == 1


def test_code_101_already_verified_counts_as_paid(db, zarinpal):
    payment, _ = start()
    zarinpal.pay(payment.authority)
    gateway = get_gateway("zarinpal")
    assert gateway.verify(payment).code == "100"
    again = gateway.verify(payment)
    assert again.ok and again.code == "101"


def test_unpaid_with_status_nok_is_cancelled(db, zarinpal):
    payment, _ = start(order_ref=9)
    payment = callback(payment, status="NOK")
    assert payment.status == Payment.Status.CANCELLED
    assert payment.code == "-51"
    assert ledger.escrow_balance(9) == 0


def test_forged_status_ok_for_an_unpaid_authority_fails(db, zarinpal):
    payment, _ = start(order_ref=10)
    payment = callback(payment, status="OK")
    assert payment.status == Payment.Status.FAILED and payment.code == "-51"
    assert ledger.escrow_balance(10) == 0


def test_amount_mismatch_is_flagged_and_credits_nothing(db, zarinpal, caplog):
    payment, _ = start(order_ref=11)
    zarinpal.pay(payment.authority, amount=1000)
    payment = callback(payment)
    assert payment.status == Payment.Status.MISMATCH and payment.code == "-50"
    assert ledger.escrow_balance(11) == 0
    assert "different amount" in caplog.text


def test_invalid_authority_fails(db, zarinpal):
    payment, _ = start()
    Payment.objects.filter(pk=payment.pk).update(authority="A" + "9" * 35)
    payment.refresh_from_db()
    assert callback(payment).status == Payment.Status.FAILED
    assert Payment.objects.get().code == "-54"


def test_a_timeout_leaves_the_payment_for_reconciliation(db, zarinpal):
    payment, _ = start(order_ref=12)
    zarinpal.pay(payment.authority)
    zarinpal.delay = 0.8
    payment = callback(payment)
    assert payment.status == Payment.Status.VERIFYING
    assert payment.code == "timeout"
    assert ledger.escrow_balance(12) == 0
    zarinpal.delay = 0
    counts = actions.payment_reconcile(now=timezone.now() + dt.timedelta(hours=1))
    assert counts == {"paid": 1}
    assert ledger.escrow_balance(12) == AMOUNT


def test_a_request_timeout_raises_a_retryable_error(db, zarinpal):
    zarinpal.delay = 0.8
    with pytest.raises(GatewayUnavailable) as info:
        start()
    assert info.value.code == "timeout"


def test_server_errors_are_retryable(db, zarinpal):
    payment, _ = start()
    zarinpal.pay(payment.authority)
    zarinpal.fail_with_500 = True
    assert callback(payment).status == Payment.Status.VERIFYING
    assert get_gateway("zarinpal").unverified_authorities() is None


def test_reconciliation_uses_unverified_to_catch_fresh_payments(db, zarinpal):
    paid, _ = start(order_ref=13)
    waiting, _ = start(order_ref=14)
    zarinpal.pay(paid.authority)
    assert get_gateway("zarinpal").unverified_authorities() == {paid.authority}
    counts = actions.payment_reconcile()  # both are fresh: only the one the bank lists is verified
    assert counts == {"paid": 1}
    assert any(path.endswith("unVerified.json") for path, _ in zarinpal.requests)
    waiting.refresh_from_db()
    assert waiting.status == Payment.Status.INITIATED
    assert ledger.escrow_balance(13) == AMOUNT
