"""Money, part two on orders: terms fixed at checkout, expiry, the buyer-fee rule, mutual cancellation,
dispute evidence and answers, the confirmation step, and truthful payment messages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from escrow import ledger
from escrow.checks import run_checks
from escrow.gateways.sandbox import charge_decide
from escrow.models import Transfer
from orders import actions
from orders.exceptions import OrderError, OrderPermissionError, PriceChanged
from orders.models import CancellationRequest, Dispute, Order, OrderEvent, OrderFile
from tests.accounts.factories import UserFactory
from tests.escrow.test_withdrawals import fund

from . import factories as f

pytestmark = pytest.mark.django_db
S = Order.Status
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- checkout -------------------------------------------------------------------------------------


def test_a_changed_price_reshows_checkout_with_the_new_total_and_charges_nothing(settings):
    settings.BUYER_FEE_PERCENT = 0
    package = f.package(price=1_000_000)
    buyer = UserFactory()
    fund(buyer, 5_000_000)
    client = client_for(buyer)
    assert 'name="expected_total" value="1000000"' in client.get(f"/orders/checkout/{package.pk}/").content.decode()
    package.price = 1_200_000  # the expert raises the price while the buyer reads
    package.save()
    response = client.post(f"/orders/checkout/{package.pk}/",
                           {"method": "wallet", "expected_total": "1000000", "key": "k1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="price-changed"' in html and "قیمت این بسته" in html
    assert "۱۲۰٬۰۰۰ تومان" in html and 'name="expected_total" value="1200000"' in html
    assert Order.objects.count() == 0
    assert ledger.user_balances(buyer)["available"] == 5_000_000
    # Agreeing to the new price works.
    response = client.post(f"/orders/checkout/{package.pk}/",
                           {"method": "wallet", "expected_total": "1200000", "key": "k2"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.status, order.total) == (S.AWAITING_REQUIREMENTS, 1_200_000)


def test_checkout_without_the_seen_total_charges_nothing():
    package = f.package(price=1_000_000)
    with pytest.raises(PriceChanged):
        actions.order_checkout(buyer=UserFactory(), package=package, expected_total=None, key="k")
    assert Order.objects.count() == 0


def test_a_double_submit_makes_one_order(settings):
    settings.BUYER_FEE_PERCENT = 0
    package = f.package(price=1_000_000)
    client = client_for(UserFactory())
    form = {"method": "gateway", "expected_total": "1000000", "key": "same"}
    first = client.post(f"/orders/checkout/{package.pk}/", form)
    second = client.post(f"/orders/checkout/{package.pk}/", form)
    assert first.status_code == second.status_code == 302
    assert Order.objects.count() == 1


def test_a_wallet_too_small_leaves_no_unpaid_order(settings):
    settings.BUYER_FEE_PERCENT = 0
    package = f.package(price=1_000_000)
    buyer = UserFactory()
    fund(buyer, 500_000)
    with pytest.raises(OrderError):
        actions.order_checkout(buyer=buyer, package=package, expected_total=1_000_000, key="k", method="wallet")
    assert Order.objects.count() == 0


def test_unpaid_orders_expire_after_24_hours_and_never_show_to_the_expert():
    old = f.pending_order()
    fresh = f.pending_order()
    paid = f.paid_order()
    Order.objects.filter(pk__in=[old.pk, paid.pk]).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert actions.order_expire_unpaid() == 1
    assert actions.order_expire_unpaid() == 0
    old.refresh_from_db()
    assert old.status == S.CANCELLED and old.cancelled_at
    assert old.events.filter(kind=OrderEvent.Kind.EXPIRED).count() == 1
    assert Order.objects.get(pk=fresh.pk).status == S.PENDING_PAYMENT
    assert Order.objects.get(pk=paid.pk).status == S.AWAITING_REQUIREMENTS
    for order in (old, fresh):
        html = client_for(order.expert).get("/dashboard/orders/").content.decode()
        assert f"/orders/{order.pk}/" not in html
    assert f"/orders/{paid.pk}/" in client_for(paid.expert).get("/dashboard/orders/").content.decode()


def test_a_payment_after_expiry_goes_to_the_wallet_and_the_page_says_so():
    order = f.pending_order()
    payment = f.start_payment(order)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    actions.order_expire_unpaid()
    charge_decide(authority=payment.authority, pay=True)
    response = client_for(order.buyer).get(f"/orders/{order.pk}/payment/callback/", f.callback_params(payment),
                                           follow=True)
    html = response.content.decode()
    assert "کیف پول شما" in html and "لغو شده بود" in html
    assert "نزد آزمودگان می‌ماند" not in html
    assert ledger.user_balances(order.buyer)["available"] == order.total


def test_the_second_tab_of_a_double_payment_is_told_the_money_went_to_the_wallet():
    order = f.pending_order()
    first, second = f.start_payment(order), f.start_payment(order)
    for payment in (first, second):
        charge_decide(authority=payment.authority, pay=True)
    buyer = client_for(order.buyer)
    buyer.get(f"/orders/{order.pk}/payment/callback/", f.callback_params(first))
    html = buyer.get(f"/orders/{order.pk}/payment/callback/", f.callback_params(second), follow=True).content.decode()
    assert "پیش‌تر پرداخت شده بود" in html and "کیف پول شما" in html
    assert ledger.user_balances(order.buyer)["available"] == order.total


# --- terms snapshot and the buyer-fee rule -----------------------------------------------------------


def test_commission_is_the_one_fixed_at_purchase(settings):
    settings.COMMISSION_PERCENT = 10
    order = f.delivered_order(price=1_000_000)
    assert order.commission_percent == 10
    settings.COMMISSION_PERCENT = 30  # a later change of the setting does not rewrite this order
    actions.order_confirm(order_id=order.pk, actor=order.buyer)
    assert ledger.user_balances(order.expert)["pending"] == 900_000


@pytest.mark.parametrize(("outcome", "buyer_share", "buyer_gets", "fee_kept"), [
    ("refund", None, 1_050_000, 0),          # a full refund returns the fee
    ("split", 1_000_000, 1_050_000, 0),      # so does a split giving the buyer 100% of the price
    ("split", 999_990, 999_990, 50_000),     # the expert paid any part: the platform keeps the fee
    ("release", None, 0, 50_000),
])
def test_one_rule_for_the_buyer_fee(settings, outcome, buyer_share, buyer_gets, fee_kept):
    settings.BUYER_FEE_PERCENT = 5
    settings.COMMISSION_PERCENT = 10
    order = f.delivered_order(price=1_000_000)
    assert order.total == 1_050_000
    actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="کار ناقص است")
    staff = UserFactory(is_staff=True)
    actions.order_dispute_resolve(order_id=order.pk, actor=staff, outcome=outcome, buyer_amount=buyer_share,
                                  note="تصمیم")
    assert ledger.user_balances(order.buyer)["available"] == buyer_gets
    expert_part = 1_000_000 - min(buyer_share or 0, 1_000_000) if outcome != "refund" else 0
    commission = expert_part * 10 // 100
    assert ledger.balance(ledger.revenue_account()) == fee_kept + commission
    assert ledger.escrow_balance(order.pk) == 0
    assert not any(run_checks().values())


# --- mutual cancellation --------------------------------------------------------------------------------


def test_mutual_cancellation_accepted_refunds_everything_in_one_transfer(settings, django_capture_on_commit_callbacks):
    settings.BUYER_FEE_PERCENT = 5
    order = f.in_progress_order(price=1_000_000)
    expert, buyer = client_for(order.expert), client_for(order.buyer)
    response = expert.post(f"/orders/{order.pk}/cancellation/", {"reason": ""})
    assert response.status_code == 200 and 'id="id_cancellation_reason_error"' in response.content.decode()
    assert expert.post(f"/orders/{order.pk}/cancellation/", {"reason": "منابع لازم را ندارم"}).status_code == 302
    request = CancellationRequest.objects.get()
    assert abs(request.expires_at - request.created_at - dt.timedelta(hours=48)) < dt.timedelta(seconds=5)
    page = buyer.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="cancellation-request"' in page and "منابع لازم را ندارم" in page
    # The asker cannot accept their own request.
    expert.post(f"/orders/{order.pk}/cancellation/answer/", {"request_id": request.pk, "decision": "accept"})
    assert Order.objects.get(pk=order.pk).status == S.IN_PROGRESS
    f.emails_sent_so_far()
    with django_capture_on_commit_callbacks(execute=True):
        buyer.post(f"/orders/{order.pk}/cancellation/answer/", {"request_id": request.pk, "decision": "accept"})
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    refunds = Transfer.objects.filter(order_ref=order.pk, kind=Transfer.Kind.REFUND)
    assert [t.idempotency_key for t in refunds] == [f"refund:{order.pk}:mutual"]
    assert ledger.user_balances(order.buyer)["available"] == 1_050_000
    kinds = list(order.events.values_list("kind", flat=True))
    assert "cancellation_requested" in kinds and "cancellation_accepted" in kinds
    from django.core import mail

    assert [m.to[0] for m in mail.outbox] == [order.expert.email]
    assert not any(run_checks().values())


def test_mutual_cancellation_declined_or_lapsed_leaves_the_order_going():
    order = f.delivered_order()
    request = actions.order_cancellation_request(order_id=order.pk, actor=order.buyer, reason="نیازم عوض شد")
    actions.order_cancellation_answer(order_id=order.pk, actor=order.expert, request_id=request.pk, accept=False)
    assert CancellationRequest.objects.get(pk=request.pk).status == CancellationRequest.Status.DECLINED
    second = actions.order_cancellation_request(order_id=order.pk, actor=order.buyer, reason="باز هم")
    with pytest.raises(OrderError):
        actions.order_cancellation_request(order_id=order.pk, actor=order.expert, reason="one at a time")
    later = timezone.now() + dt.timedelta(hours=49)
    assert actions.order_cancellation_lapse(now=later) == 1
    assert CancellationRequest.objects.get(pk=second.pk).status == CancellationRequest.Status.LAPSED
    third = actions.order_cancellation_request(order_id=order.pk, actor=order.buyer, reason="سوم")
    CancellationRequest.objects.filter(pk=third.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(OrderError) as exc:
        actions.order_cancellation_answer(order_id=order.pk, actor=order.expert, request_id=third.pk, accept=True)
    assert exc.value.code == "cancellation_lapsed"
    order.refresh_from_db()
    assert order.status == S.DELIVERED and ledger.escrow_balance(order.pk) == order.total
    assert set(order.events.values_list("kind", flat=True)) >= {"cancellation_declined", "cancellation_lapsed"}


def test_auto_complete_waits_for_a_pending_cancellation_request(settings):
    order = f.delivered_order()
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=10))
    actions.order_cancellation_request(order_id=order.pk, actor=order.buyer, reason="نمی‌خواهم")
    assert actions.order_auto_complete() == 0
    actions.order_cancellation_lapse(now=timezone.now() + dt.timedelta(hours=49))
    assert actions.order_auto_complete() == 1


def test_cancellation_urls_are_404_for_a_third_user():
    order = f.in_progress_order()
    request = actions.order_cancellation_request(order_id=order.pk, actor=order.expert, reason="x")
    stranger = client_for(UserFactory())
    for url, data in ((f"/orders/{order.pk}/cancellation/", {"reason": "x"}),
                      (f"/orders/{order.pk}/cancellation/answer/", {"request_id": request.pk, "decision": "accept"}),
                      (f"/orders/{order.pk}/cancellation/withdraw/", {})):
        assert stranger.post(url, data).status_code == 404, url
    assert Order.objects.get(pk=order.pk).status == S.IN_PROGRESS


# --- disputes: evidence and answers ---------------------------------------------------------------------


def test_dispute_evidence_from_both_sides_and_a_written_decision_both_read(settings):
    settings.COMMISSION_PERCENT = 10
    order = f.delivered_order(price=2_000_000)
    buyer, expert = client_for(order.buyer), client_for(order.expert)
    response = buyer.post(f"/orders/{order.pk}/dispute/", {"reason": "", "files": [f.pdf("مدرک.pdf")]})
    assert response.status_code == 200 and 'id="id_reason_error"' in response.content.decode()
    buyer.post(f"/orders/{order.pk}/dispute/", {"reason": "فایل تحویلی ناقص است", "files": [f.pdf("مدرک.pdf")]})
    dispute = Dispute.objects.get()
    assert abs(dispute.respond_by - dispute.created_at - dt.timedelta(days=3)) < dt.timedelta(seconds=5)
    # The opener cannot answer their own dispute; the other side answers once with text and files.
    with pytest.raises(OrderPermissionError):
        actions.order_dispute_respond(order_id=order.pk, actor=order.buyer, response="x")
    response = expert.post(f"/orders/{order.pk}/dispute/respond/", {"response": ""})
    assert 'id="id_response_error"' in response.content.decode()
    expert.post(f"/orders/{order.pk}/dispute/respond/",
                {"response": "همهٔ بخش‌ها تحویل شد", "files": [f.pdf("پاسخ.pdf")]})
    with pytest.raises(OrderError):
        actions.order_dispute_respond(order_id=order.pk, actor=order.expert, response="again")
    evidence = OrderFile.objects.filter(order=order, kind=OrderFile.Kind.EVIDENCE)
    assert sorted(evidence.values_list("uploaded_by", flat=True)) == sorted([order.buyer_id, order.expert_id])
    staff = UserFactory(is_staff=True)
    actions.order_dispute_resolve(order_id=order.pk, actor=staff, outcome="split", buyer_amount=500_000,
                                  note="نیمی از کار انجام نشده بود.")
    for client in (buyer, expert):
        html = client.get(f"/orders/{order.pk}/").content.decode()
        assert "فایل تحویلی ناقص است" in html and "همهٔ بخش‌ها تحویل شد" in html
        assert "مدرک.pdf" in html and "پاسخ.pdf" in html
        assert "نیمی از کار انجام نشده بود." in html and 'data-testid="dispute-outcome"' in html
    assert ledger.user_balances(order.buyer)["available"] == 500_000
    assert ledger.user_balances(order.expert)["pending"] == 1_500_000 - 150_000
    stranger = client_for(UserFactory())
    assert stranger.post(f"/orders/{order.pk}/dispute/respond/", {"response": "x"}).status_code == 404
    assert stranger.get(evidence.first().get_absolute_url()).status_code == 404


def test_a_late_answer_is_refused():
    order = f.in_progress_order()
    actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="دیر شده")
    Dispute.objects.update(respond_by=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(OrderError) as exc:
        actions.order_dispute_respond(order_id=order.pk, actor=order.expert, response="x")
    assert exc.value.code == "too_late"


# --- the confirmation step ------------------------------------------------------------------------------


def test_confirming_takes_a_second_step_without_javascript():
    order = f.delivered_order()
    buyer = client_for(order.buyer)
    page = buyer.get(f"/orders/{order.pk}/").content.decode()
    assert 'href="/orders/%s/confirm/"' % order.pk in page and 'id="az-confirm-modal"' in page
    step = buyer.get(f"/orders/{order.pk}/confirm/")
    assert step.status_code == 200 and 'data-testid="confirm-step"' in step.content.decode()
    assert buyer.post(f"/orders/{order.pk}/confirm/").status_code == 200  # no `confirmed`: asked again
    assert Order.objects.get(pk=order.pk).status == S.DELIVERED
    assert buyer.post(f"/orders/{order.pk}/confirm/", {"confirmed": "1"}).status_code == 302
    assert Order.objects.get(pk=order.pk).status == S.COMPLETED
    assert client_for(order.expert).get(f"/orders/{order.pk}/confirm/").status_code == 404


def test_a_delivered_order_can_be_cancelled_by_agreement():
    order = f.delivered_order(price=1_000_000)
    request = actions.order_cancellation_request(order_id=order.pk, actor=order.expert, reason="اشتباه فهمیدم")
    actions.order_cancellation_answer(order_id=order.pk, actor=order.buyer, request_id=request.pk, accept=True)
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert ledger.user_balances(order.buyer)["available"] == order.total
    # The buyer alone still cannot cancel a delivered order.
    other = f.delivered_order()
    with pytest.raises(OrderError):
        actions.order_cancel(order_id=other.pk, actor=other.buyer)
