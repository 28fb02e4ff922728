"""Deadline extensions: the expert asks for more days, the buyer accepts (due date moves) or declines."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from azmoodegan.persian import jalali_datetime
from escrow import ledger
from escrow.checks import run_checks
from orders import actions
from orders.exceptions import OrderError
from orders.models import ExtensionRequest, Order
from tests.accounts.factories import UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db
S = Order.Status
X = ExtensionRequest.Status
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def ask(order, days=3, reason="فایل‌های نهایی دیر رسید."):
    return actions.order_extension_request(order_id=order.pk, actor=order.expert, days=days, reason=reason)


def refused(call, code=None) -> str:
    with pytest.raises(OrderError) as exc:
        call()
    assert PERSIAN.search(str(exc.value.message)), exc.value.message
    if code:
        assert exc.value.code == code
    return str(exc.value.message)


def test_accepting_moves_the_due_date_by_the_extra_days(django_capture_on_commit_callbacks):
    order = f.in_progress_order()
    due = order.due_at
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(order, days=3)
    assert request.status == X.PENDING
    assert mail.outbox[-1].to == [order.buyer.email]
    assert "۳ روز" in mail.outbox[-1].body
    order.refresh_from_db()
    assert order.due_at == due  # asking moves nothing

    with django_capture_on_commit_callbacks(execute=True):
        decided = actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=request.pk,
                                                 accept=True)
    order.refresh_from_db()
    assert order.due_at == due + dt.timedelta(days=3)
    assert decided.status == X.ACCEPTED and decided.decided_at
    assert (decided.previous_due_at, decided.new_due_at) == (due, order.due_at)
    assert mail.outbox[-1].to == [order.expert.email]
    assert jalali_datetime(order.due_at) in mail.outbox[-1].body
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["extension_requested", "extension_accepted"]
    assert order.status == S.IN_PROGRESS


def test_declining_keeps_the_due_date_and_tells_the_expert(django_capture_on_commit_callbacks):
    order = f.in_progress_order()
    due = order.due_at
    request = ask(order, days=5)
    with django_capture_on_commit_callbacks(execute=True):
        actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=request.pk, accept=False)
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.due_at == due and request.status == X.DECLINED and request.new_due_at is None
    assert mail.outbox[-1].to == [order.expert.email]
    assert order.events.last().kind == "extension_declined"
    # Declined, the expert may ask again.
    again = ask(order, days=2)
    assert again.status == X.PENDING


def test_during_a_revision_too():
    order = f.delivered_order()
    actions.order_request_revision(order_id=order.pk, actor=order.buyer, note="بند ۲ را اصلاح کنید.")
    order.refresh_from_db()
    due = order.due_at
    request = ask(order, days=1)
    actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=request.pk, accept=True)
    order.refresh_from_db()
    assert order.due_at == due + dt.timedelta(days=1)
    assert order.status == S.REVISION_REQUESTED


@pytest.mark.parametrize("days", [0, 31, -1, "x"])
def test_days_outside_1_to_30_are_refused(days):
    order = f.in_progress_order()
    message = refused(lambda: ask(order, days=days), "bad_days")
    assert "۱" in message and "۳۰" in message


def test_limits_1_and_30_pass_and_a_reason_is_required():
    order = f.in_progress_order()
    refused(lambda: ask(order, reason="  "), "required")
    r = ask(order, days=30)
    actions.order_extension_withdraw(order_id=order.pk, actor=order.expert)
    r2 = ask(order, days=1)
    assert (r.days, r2.days) == (30, 1)


def test_only_one_pending_request():
    order = f.in_progress_order()
    ask(order)
    refused(lambda: ask(order, days=2), "extension_pending")
    assert ExtensionRequest.objects.filter(order=order, status=X.PENDING).count() == 1
    # The database refuses a second pending row too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(order=order, requested_by=order.expert, days=2, reason="x")


def test_wrong_party_is_refused():
    order = f.in_progress_order()
    stranger = UserFactory()
    for actor in (order.buyer, stranger, UserFactory(is_staff=True)):
        refused(lambda actor=actor: actions.order_extension_request(
            order_id=order.pk, actor=actor, days=3, reason="x"), "not_allowed")
    request = ask(order)
    for actor in (order.expert, stranger):
        refused(lambda actor=actor: actions.order_extension_decide(
            order_id=order.pk, actor=actor, request_id=request.pk, accept=True), "not_allowed")
    refused(lambda: actions.order_extension_withdraw(order_id=order.pk, actor=order.buyer), "not_allowed")
    request.refresh_from_db()
    assert request.status == X.PENDING


@pytest.mark.parametrize("make", [f.pending_order, f.paid_order, f.delivered_order])
def test_refused_outside_the_working_statuses(make):
    order = make()
    refused(lambda: ask(order), "bad_transition")


def test_refused_on_closed_and_disputed_orders():
    completed = f.delivered_order()
    actions.order_confirm(order_id=completed.pk, actor=completed.buyer)
    refused(lambda: ask(completed), "bad_transition")
    disputed = f.in_progress_order()
    actions.order_dispute_open(order_id=disputed.pk, actor=disputed.buyer, reason="کار شروع نشده است.")
    refused(lambda: ask(disputed), "bad_transition")


def test_decide_names_the_request_it_read():
    order = f.in_progress_order()
    first = ask(order, days=3)
    actions.order_extension_withdraw(order_id=order.pk, actor=order.expert)
    ask(order, days=30)
    refused(lambda: actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=first.pk,
                                                   accept=True), "extension_not_pending")
    refused(lambda: actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=first.pk,
                                                   accept=False), "extension_not_pending")


def test_a_decided_request_cannot_be_decided_again():
    order = f.in_progress_order()
    request = ask(order)
    actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=request.pk, accept=True)
    order.refresh_from_db()
    due = order.due_at
    refused(lambda: actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=request.pk,
                                                   accept=True), "extension_not_pending")
    refused(lambda: actions.order_extension_withdraw(order_id=order.pk, actor=order.expert),
            "extension_not_pending")
    order.refresh_from_db()
    assert order.due_at == due  # accepted once only


def test_delivery_closes_a_pending_request():
    order = f.in_progress_order()
    request = ask(order)
    actions.order_deliver(order_id=order.pk, actor=order.expert, message="تحویل شد.")
    request.refresh_from_db()
    assert request.status == X.WITHDRAWN
    refused(lambda: actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=request.pk,
                                                   accept=True), "extension_not_pending")


def test_a_late_order_with_a_pending_request_can_still_be_cancelled_by_the_buyer():
    order = f.in_progress_order(price=1_500_000)
    request = ask(order)
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    actions.order_cancel(order_id=order.pk, actor=order.buyer, reason="دیر شد.")
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.status == S.CANCELLED and request.status == X.WITHDRAWN
    assert ledger.user_balances(order.buyer)["available"] == 1_500_000
    assert not any(run_checks().values())


def test_a_late_order_accepting_still_counts_from_the_old_due_date():
    order = f.in_progress_order()
    late_due = timezone.now() - dt.timedelta(days=2)
    Order.objects.filter(pk=order.pk).update(due_at=late_due)
    request = ask(order, days=3)
    actions.order_extension_decide(order_id=order.pk, actor=order.buyer, request_id=request.pk, accept=True)
    order.refresh_from_db()
    assert order.due_at == late_due + dt.timedelta(days=3)
    assert not order.is_late


# --- pages ----------------------------------------------------------------------------------------


def test_expert_asks_and_buyer_accepts_through_the_pages():
    order = f.in_progress_order()
    due = order.due_at
    expert, buyer = client_for(order.expert), client_for(order.buyer)
    html = expert.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="extension-submit"' in html
    # Persian digits are accepted.
    response = expert.post(f"/orders/{order.pk}/extension/", {"days": "۳", "reason": "منتظر مدارک هستم."},
                           follow=True)
    assert "درخواست" in response.content.decode()
    request = ExtensionRequest.objects.get(order=order)
    assert request.days == 3
    html = expert.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="extension-pending"' in html and 'data-testid="extension-submit"' not in html

    page = buyer.get(f"/orders/{order.pk}/").content.decode()
    assert "منتظر مدارک هستم." in page
    assert jalali_datetime(due + dt.timedelta(days=3)) in page
    assert 'data-testid="extension-accept"' in page and 'data-testid="extension-decline"' in page
    response = buyer.post(f"/orders/{order.pk}/extension/decide/", {"request_id": request.pk, "decision": "accept"},
                          follow=True)
    order.refresh_from_db()
    assert order.due_at == due + dt.timedelta(days=3)
    assert jalali_datetime(order.due_at) in response.content.decode()


def test_form_errors_are_persian_and_nothing_is_created():
    order = f.in_progress_order()
    expert = client_for(order.expert)
    response = expert.post(f"/orders/{order.pk}/extension/", {"days": "۴۰", "reason": "کار بیشتری دارد"})
    assert ExtensionRequest.objects.count() == 0
    html = response.content.decode()
    # The order page again, the form open with the typed text kept and the error beside its field.
    assert response.status_code == 200
    assert 'id="id_days_error"' in html and PERSIAN.search(response.context["extension_form"].errors["days"][0])
    assert "کار بیشتری دارد" in html


def test_wrong_party_and_third_user_get_404_on_the_extension_urls():
    order = f.in_progress_order()
    request = ask(order)
    expert, buyer, stranger = client_for(order.expert), client_for(order.buyer), client_for(UserFactory())
    decide = {"request_id": request.pk, "decision": "accept"}
    assert expert.post(f"/orders/{order.pk}/extension/decide/", decide).status_code == 404
    assert buyer.post(f"/orders/{order.pk}/extension/", {"days": 3, "reason": "x"}).status_code == 404
    assert buyer.post(f"/orders/{order.pk}/extension/withdraw/").status_code == 404
    for url, data in ((f"/orders/{order.pk}/extension/", {"days": 3, "reason": "x"}),
                      (f"/orders/{order.pk}/extension/decide/", decide),
                      (f"/orders/{order.pk}/extension/withdraw/", {})):
        assert stranger.post(url, data).status_code == 404, url
    request.refresh_from_db()
    assert request.status == X.PENDING
    # GET is not a way in either.
    assert expert.get(f"/orders/{order.pk}/extension/").status_code == 405


def test_expert_withdraws_through_the_page():
    order = f.in_progress_order()
    ask(order)
    response = client_for(order.expert).post(f"/orders/{order.pk}/extension/withdraw/")
    assert response.status_code == 302
    assert ExtensionRequest.objects.get(order=order).status == X.WITHDRAWN
    assert 'data-testid="extension-request"' not in client_for(order.buyer).get(f"/orders/{order.pk}/").content.decode()
