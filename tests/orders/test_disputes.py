"""Disputes: either party opens one, everything freezes, staff resolve it with a refund, a release or a split."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from escrow import ledger
from escrow.actions import commission_calculate
from escrow.checks import run_checks
from escrow.models import Transfer
from orders import actions
from orders.exceptions import OrderError
from orders.models import Dispute, Order, OrderEvent
from tests.accounts.factories import UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db
S = Order.Status
O = Dispute.Outcome  # noqa: E741
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def staff():
    return UserFactory(is_staff=True, is_superuser=True)


def refused(call, code=None) -> str:
    with pytest.raises(OrderError) as exc:
        call()
    assert PERSIAN.search(str(exc.value.message)), exc.value.message
    if code:
        assert exc.value.code == code, exc.value.code
    return str(exc.value.message)


def disputed_order(make=f.delivered_order, by="buyer", **kwargs) -> Order:
    order = make(**kwargs)
    actions.order_dispute_open(order_id=order.pk, actor=getattr(order, by), reason="کار با سفارش نمی‌خواند.")
    order.refresh_from_db()
    return order


def resolve(order, outcome, buyer_amount=None, actor=None, note="بررسی شد."):
    return actions.order_dispute_resolve(order_id=order.pk, actor=actor or staff(), outcome=outcome,
                                         buyer_amount=buyer_amount, note=note)


def assert_ledger_ok(order):
    assert ledger.escrow_balance(order.pk) == 0
    assert {name: p for name, p in run_checks().items() if p} == {}
    call_command("check_ledger")


# --- opening -------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [f.in_progress_order, f.delivered_order])
@pytest.mark.parametrize("by", ["buyer", "expert"])
def test_either_party_opens_a_dispute(make, by, django_capture_on_commit_callbacks):
    order = make()
    opener, other = getattr(order, by), (order.expert if by == "buyer" else order.buyer)
    with django_capture_on_commit_callbacks(execute=True):
        dispute = actions.order_dispute_open(order_id=order.pk, actor=opener, reason="  پاسخ نمی‌دهد.  ")
    order.refresh_from_db()
    assert order.status == S.DISPUTED
    assert dispute.opened_by == opener and dispute.reason == "پاسخ نمی‌دهد." and not dispute.is_resolved
    event = order.events.last()
    assert (event.kind, event.from_status, event.to_status, event.actor) == ("disputed", make().status, S.DISPUTED,
                                                                            opener)
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert ledger.escrow_balance(order.pk) == order.total  # still held


def test_dispute_during_a_revision():
    order = f.delivered_order()
    actions.order_request_revision(order_id=order.pk, actor=order.buyer, note="اصلاح کنید.")
    actions.order_dispute_open(order_id=order.pk, actor=order.expert, reason="خواسته‌ی جدید خارج از بسته است.")
    order.refresh_from_db()
    assert order.status == S.DISPUTED


@pytest.mark.parametrize("make", [f.pending_order, f.paid_order])
def test_refused_before_the_expert_started(make):
    order = make()
    refused(lambda: actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="x"), "bad_transition")
    assert not Dispute.objects.exists()


def test_refused_on_closed_orders_and_twice():
    order = f.delivered_order()
    actions.order_confirm(order_id=order.pk, actor=order.buyer)
    refused(lambda: actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="x"), "bad_transition")
    order = disputed_order()
    refused(lambda: actions.order_dispute_open(order_id=order.pk, actor=order.expert, reason="x"),
            "already_disputed")
    resolve(order, O.REFUND)
    refused(lambda: actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="x"))
    assert Dispute.objects.count() == 1


def test_reason_required_and_only_the_parties():
    order = f.in_progress_order()
    refused(lambda: actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="  "), "required")
    for actor in (UserFactory(), staff(), None):
        refused(lambda actor=actor: actions.order_dispute_open(order_id=order.pk, actor=actor, reason="x"),
                "not_allowed")
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS


def test_opening_closes_a_pending_extension_request():
    order = f.in_progress_order()
    request = actions.order_extension_request(order_id=order.pk, actor=order.expert, days=3, reason="x")
    actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="دیر شده.")
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_nothing_else_moves_while_disputed():
    order = disputed_order(f.delivered_order)
    late = disputed_order(f.in_progress_order)
    Order.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    for o in (order, late):
        attempts = {
            "deliver": lambda o=o: actions.order_deliver(order_id=o.pk, actor=o.expert, message="x"),
            "revision": lambda o=o: actions.order_request_revision(order_id=o.pk, actor=o.buyer, note="x"),
            "confirm": lambda o=o: actions.order_confirm(order_id=o.pk, actor=o.buyer),
            "cancel": lambda o=o: actions.order_cancel(order_id=o.pk, actor=o.buyer),
            "staff_cancel": lambda o=o: actions.order_cancel(order_id=o.pk, actor=staff()),
            "extension": lambda o=o: actions.order_extension_request(order_id=o.pk, actor=o.expert, days=2,
                                                                      reason="x"),
            "pay_wallet": lambda o=o: actions.order_pay_from_wallet(order_id=o.pk, actor=o.buyer),
            "requirements": lambda o=o: actions.order_submit_requirements(order_id=o.pk, actor=o.buyer, answers={},
                                                                          description="x"),
        }
        for attempt in attempts.values():
            refused(attempt)
        o.refresh_from_db()
        assert o.status == S.DISPUTED
        assert ledger.escrow_balance(o.pk) == o.total


def test_auto_complete_skips_disputed_orders():
    order = disputed_order(f.delivered_order)
    assert order.delivered_at
    later = timezone.now() + dt.timedelta(days=settings.AUTO_COMPLETE_DAYS + 30)
    assert actions.order_auto_complete(now=later) == 0
    from orders.tasks import order_auto_complete_task as task

    assert task.delay().get() == 0  # the beat task, eagerly
    order.refresh_from_db()
    assert order.status == S.DISPUTED
    assert not Transfer.objects.filter(kind=Transfer.Kind.RELEASE, order_ref=order.pk).exists()


# --- resolving ------------------------------------------------------------------------------------


def test_refund_returns_everything_to_the_buyer(django_capture_on_commit_callbacks):
    order = disputed_order(price=2_000_000)
    admin = staff()
    with django_capture_on_commit_callbacks(execute=True):
        dispute = resolve(order, O.REFUND, actor=admin, note="تحویل با شرح خدمت نمی‌خواند.")
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.cancelled_at
    assert (dispute.outcome, dispute.buyer_amount, dispute.expert_amount) == (O.REFUND, 2_000_000, 0)
    assert dispute.resolved_by == admin and dispute.resolved_at
    assert ledger.user_balances(order.buyer)["available"] == 2_000_000
    assert ledger.user_balances(order.expert) == {"available": 0, "pending": 0, "in_flight": 0}
    assert ledger.balance(ledger.revenue_account()) == 0
    event = order.events.last()
    assert (event.kind, event.from_status, event.to_status, event.actor) == ("resolved", S.DISPUTED, S.CANCELLED,
                                                                            admin)
    assert "۲۰۰٬۰۰۰ تومان" in event.note and "تحویل با شرح خدمت نمی‌خواند." in event.note
    assert sorted(m.to[0] for m in mail.outbox) == sorted([order.buyer.email, order.expert.email])
    assert all("۲۰۰٬۰۰۰ تومان" in m.body for m in mail.outbox)
    assert_ledger_ok(order)


def test_release_pays_the_expert_minus_commission_like_a_confirmation():
    order = disputed_order(price=2_000_000, by="expert")
    dispute = resolve(order, O.RELEASE)
    order.refresh_from_db()
    commission = 2_000_000 * settings.COMMISSION_PERCENT // 100
    assert commission == commission_calculate(2_000_000) == 200_000
    assert order.status == S.COMPLETED and order.completed_at
    assert (dispute.buyer_amount, dispute.expert_amount, dispute.expert_net) == (0, 2_000_000, 1_800_000)
    assert ledger.user_balances(order.expert)["pending"] == 1_800_000
    assert ledger.user_balances(order.buyer)["available"] == 0
    assert ledger.balance(ledger.revenue_account()) == 200_000
    assert Transfer.objects.get(order_ref=order.pk, kind=Transfer.Kind.RELEASE).idempotency_key == f"release:{order.pk}"
    order.service.refresh_from_db()
    assert order.service.completed_orders == 1
    assert_ledger_ok(order)


def test_split_gives_the_buyer_their_part_and_the_expert_the_rest_minus_commission():
    order = disputed_order(price=2_000_000)
    dispute = resolve(order, O.SPLIT, buyer_amount=500_000)
    order.refresh_from_db()
    assert order.status == S.COMPLETED
    assert (dispute.buyer_amount, dispute.expert_amount) == (500_000, 1_500_000)
    assert ledger.user_balances(order.buyer)["available"] == 500_000
    assert ledger.user_balances(order.expert)["pending"] == 1_500_000 - 150_000
    assert ledger.balance(ledger.revenue_account()) == 150_000
    transfer = Transfer.objects.get(order_ref=order.pk, kind=Transfer.Kind.SPLIT)
    assert transfer.idempotency_key == f"split:{order.pk}"
    order.service.refresh_from_db()
    assert order.service.completed_orders == 0  # a split is not a clean completion
    assert "۵۰٬۰۰۰ تومان" in order.events.last().note
    assert_ledger_ok(order)


@pytest.mark.parametrize(("buyer_amount", "buyer", "expert_pending", "revenue"), [
    (0, 0, 900_000, 100_000),            # all to the expert
    (1_000_000, 1_000_000, 0, 0),        # all to the buyer
    (333_333, 333_333, 666_667 - 66_666, 66_666),  # odd Rials: commission rounds down
])
def test_split_edges(buyer_amount, buyer, expert_pending, revenue):
    order = disputed_order(price=1_000_000)
    resolve(order, O.SPLIT, buyer_amount=buyer_amount)
    assert ledger.user_balances(order.buyer)["available"] == buyer
    assert ledger.user_balances(order.expert)["pending"] == expert_pending
    assert ledger.balance(ledger.revenue_account()) == revenue
    assert_ledger_ok(order)


def test_buyer_fee_returns_on_refund_and_stays_with_the_platform_otherwise(settings):
    settings.BUYER_FEE_PERCENT = 5
    refunded = disputed_order(price=1_000_000)
    assert ledger.escrow_balance(refunded.pk) == 1_050_000
    resolve(refunded, O.REFUND)
    assert ledger.user_balances(refunded.buyer)["available"] == 1_050_000
    split = disputed_order(price=1_000_000)
    resolve(split, O.SPLIT, buyer_amount=300_000)
    assert ledger.user_balances(split.buyer)["available"] == 300_000
    assert ledger.user_balances(split.expert)["pending"] == 700_000 - 70_000
    assert ledger.balance(ledger.revenue_account()) == 70_000 + 50_000
    assert_ledger_ok(split)


@pytest.mark.parametrize("amount", [2_000_001, 5_000_000])
def test_split_above_the_escrow_is_refused_in_persian(amount):
    order = disputed_order(price=2_000_000)
    message = refused(lambda: resolve(order, O.SPLIT, buyer_amount=amount), "above_escrow")
    assert "۲۰۰٬۰۰۰ تومان" in message
    order.refresh_from_db()
    assert order.status == S.DISPUTED and not order.dispute.is_resolved
    assert ledger.escrow_balance(order.pk) == 2_000_000
    assert not Transfer.objects.filter(order_ref=order.pk, kind=Transfer.Kind.SPLIT).exists()


def test_split_with_the_buyer_fee_counts_only_the_price(settings):
    settings.BUYER_FEE_PERCENT = 5
    order = disputed_order(price=1_000_000)
    refused(lambda: resolve(order, O.SPLIT, buyer_amount=1_050_000), "above_escrow")


def test_bad_resolutions_are_refused_in_persian():
    order = disputed_order()
    refused(lambda: resolve(order, O.SPLIT, buyer_amount=None), "required")
    refused(lambda: resolve(order, O.SPLIT, buyer_amount=-1), "bad_amount")
    refused(lambda: resolve(order, "halve"), "bad_outcome")
    refused(lambda: resolve(order, O.REFUND, note="  "), "required")
    for actor in (order.buyer, order.expert, UserFactory()):
        refused(lambda actor=actor: resolve(order, O.REFUND, actor=actor), "not_allowed")
    order.refresh_from_db()
    assert order.status == S.DISPUTED and ledger.escrow_balance(order.pk) == order.total


def test_staff_cannot_resolve_their_own_order():
    admin = staff()
    order = disputed_order(buyer=admin)
    refused(lambda: resolve(order, O.REFUND, actor=admin), "not_allowed")


def test_resolving_needs_an_open_dispute():
    order = f.in_progress_order()
    refused(lambda: resolve(order, O.REFUND), "no_dispute")
    order = disputed_order()
    resolve(order, O.RELEASE)
    refused(lambda: resolve(order, O.REFUND), "already_resolved")
    assert Transfer.objects.filter(order_ref=order.pk, kind=Transfer.Kind.REFUND).count() == 0


# --- pages ----------------------------------------------------------------------------------------


def test_parties_open_a_dispute_through_the_page_and_see_it():
    order = f.delivered_order()
    buyer = client_for(order.buyer)
    html = buyer.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="dispute-open"' in html
    response = buyer.post(f"/orders/{order.pk}/dispute/", {"reason": "فایل خالی است."}, follow=True)
    html = response.content.decode()
    order.refresh_from_db()
    assert order.status == S.DISPUTED
    assert 'data-testid="dispute"' in html and "فایل خالی است." in html
    assert 'data-testid="confirm"' not in html and 'data-testid="dispute-open"' not in html
    expert_html = client_for(order.expert).get(f"/orders/{order.pk}/").content.decode()
    assert "فایل خالی است." in expert_html and 'data-testid="deliver"' not in expert_html
    staff_html = client_for(staff()).get(f"/orders/{order.pk}/").content.decode()
    assert f"/admin/orders/order/{order.pk}/resolve/" in staff_html


def test_empty_reason_on_the_page_is_a_persian_error():
    order = f.in_progress_order()
    response = client_for(order.expert).post(f"/orders/{order.pk}/dispute/", {"reason": ""}, follow=True)
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS
    assert all(PERSIAN.search(str(m)) for m in response.context["messages"])


def test_third_user_and_staff_get_404_on_the_dispute_url():
    order = f.in_progress_order()
    for user in (UserFactory(), staff()):
        assert client_for(user).post(f"/orders/{order.pk}/dispute/", {"reason": "x"}).status_code == 404
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS and not Dispute.objects.exists()


def test_order_page_shows_the_outcome():
    order = disputed_order(price=2_000_000)
    resolve(order, O.SPLIT, buyer_amount=500_000, note="نیمی از کار انجام شده بود.")
    html = client_for(order.buyer).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="dispute-outcome"' in html
    for text in ("تقسیم", "۵۰٬۰۰۰ تومان", "۱۳۵٬۰۰۰ تومان", "۱۵۰٬۰۰۰ تومان", "نیمی از کار انجام شده بود."):
        assert text in html, text


def test_order_page_queries_stay_constant_with_a_dispute(django_assert_max_num_queries):
    order = disputed_order()
    c = client_for(order.buyer)
    c.get(f"/orders/{order.pk}/")
    with django_assert_max_num_queries(16):
        assert c.get(f"/orders/{order.pk}/").status_code == 200


# --- admin ----------------------------------------------------------------------------------------


def test_admin_resolves_a_split_typed_in_toman_with_persian_digits():
    order = disputed_order(price=2_000_000)
    admin = client_for(staff())
    url = f"/admin/orders/order/{order.pk}/resolve/"
    page = admin.get(url)
    assert page.status_code == 200
    assert "۲۰۰٬۰۰۰ تومان" in page.content.decode() and "کار با سفارش نمی‌خواند." in page.content.decode()
    response = admin.post(url, {"outcome": "split", "buyer_amount": "۵۰٬۰۰۰", "note": "نیمی انجام شد."})
    assert response.status_code == 302 and response["Location"] == f"/admin/orders/order/{order.pk}/change/"
    order.refresh_from_db()
    assert order.status == S.COMPLETED and order.dispute.buyer_amount == 500_000
    assert ledger.user_balances(order.buyer)["available"] == 500_000
    assert_ledger_ok(order)
    # Resolved: the page sends staff back to the order.
    assert admin.get(url).status_code == 302


def test_admin_form_shows_the_persian_error_for_too_much():
    order = disputed_order(price=2_000_000)
    admin = client_for(staff())
    response = admin.post(f"/admin/orders/order/{order.pk}/resolve/",
                          {"outcome": "split", "buyer_amount": "300000", "note": "x"})
    assert response.status_code == 200
    assert "۲۰۰٬۰۰۰ تومان" in response.content.decode() and "بیشتر" in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.DISPUTED


def test_admin_action_and_change_page_lead_to_the_resolve_page():
    order = disputed_order()
    admin = client_for(staff())
    change = admin.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert f"/admin/orders/order/{order.pk}/resolve/" in change
    response = admin.post("/admin/orders/order/", {"action": "resolve_dispute", "_selected_action": [order.pk]})
    assert response.status_code == 302 and response["Location"] == f"/admin/orders/order/{order.pk}/resolve/"
    assert admin.get("/admin/orders/dispute/").status_code == 200
    assert admin.get(f"/admin/orders/dispute/{order.dispute.pk}/change/").status_code == 200


def test_admin_resolve_page_is_staff_only():
    order = disputed_order()
    url = f"/admin/orders/order/{order.pk}/resolve/"
    for user in (order.buyer, order.expert, UserFactory()):
        response = client_for(user).get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    assert client_for(staff()).get(f"/admin/orders/order/{f.in_progress_order().pk}/resolve/").status_code == 404
    assert OrderEvent.objects.filter(order=order, kind="resolved").count() == 0
