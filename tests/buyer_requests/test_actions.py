"""Rules of requests and offers against the real database: state machines, bad input, the order."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from buyer_requests import actions
from buyer_requests.exceptions import RequestError
from buyer_requests.models import BuyerRequest, Offer, OfferEvent, RequestEvent
from notifications.models import Notification
from orders.models import Order, OrderEvent
from tests.orders.factories import callback_params
from tests.services.factories import SubCategoryFactory

from .factories import buyer, expert_in, offer, public_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat():
    return SubCategoryFactory()


def test_public_request_from_an_old_account_is_shown_with_an_event(cat):
    req = public_request(category=cat)
    assert req.moderation == BuyerRequest.Moderation.APPROVED
    assert req.status == BuyerRequest.Status.OPEN
    assert (req.expires_at - timezone.now()).days == 13
    assert list(RequestEvent.objects.filter(request=req).values_list("to_status", flat=True)) == ["open"]
    assert req.search_text and "لوگوی" in req.search_text


def test_new_account_waits_for_review(cat):
    young = buyer(date_joined=timezone.now())
    req = public_request(young, category=cat)
    assert req.moderation == BuyerRequest.Moderation.PENDING
    actions.request_moderate(request_id=req.pk, staff=buyer(is_staff=True), approve=True)
    req.refresh_from_db()
    assert req.moderation == BuyerRequest.Moderation.APPROVED


@pytest.mark.parametrize("kwargs,field", [
    ({"budget_min": 20_000_000, "budget_max": 5_000_000}, "budget_max"),
    ({"deadline_days": 0}, "deadline_days"),
    ({"deadline_days": 91}, "deadline_days"),
    ({"title": "کم"}, "title"),
])
def test_bad_requests_are_refused_beside_the_field(cat, kwargs, field):
    with pytest.raises(RequestError) as err:
        public_request(category=cat, **kwargs)
    assert err.value.field == field
    assert BuyerRequest.objects.count() == 0


def test_no_category_is_refused():
    with pytest.raises(RequestError) as err:
        actions.request_create_public(buyer=buyer(), category=None, title="طراحی لوگو", description="x" * 30,
                                      budget_min=1, budget_max=2, deadline_days=3)
    assert err.value.field == "category"


@pytest.mark.parametrize("kwargs,code", [
    ({"price": 499_990}, "price_low"),            # below 50,000 Toman
    ({"price": 5_000_000_010}, "price_high"),     # above the catalogue's maximum
    ({"delivery_days": 0}, "days"),
    ({"delivery_days": 91}, "days"),
    ({"expiry_days": 15}, "expiry"),
])
def test_bad_offers_are_refused(cat, kwargs, code):
    req = public_request(category=cat)
    with pytest.raises(RequestError) as err:
        offer(expert_in(cat), req, **kwargs)
    assert err.value.code == code
    assert not Offer.objects.exists()


def test_offer_rules_own_request_twice_and_category(cat):
    owner = expert_in(cat)
    req = public_request(owner, category=cat)
    with pytest.raises(RequestError) as err:
        offer(owner, req)
    assert err.value.code == "own_request"
    expert = expert_in(cat)
    offer(expert, req)
    with pytest.raises(RequestError) as err:
        offer(expert, req)
    assert err.value.code == "twice"
    outsider = expert_in(SubCategoryFactory())
    with pytest.raises(RequestError) as err:
        offer(outsider, req)
    assert err.value.code == "category"
    req.refresh_from_db()
    assert req.offer_count == 1


def test_accept_creates_an_order_snapshot_and_declines_the_others(cat):
    req = public_request(category=cat)
    e1, e2 = expert_in(cat), expert_in(cat)
    o1 = offer(e1, req, price=9_000_000, delivery_days=4, revisions=3, title="سه طرح لوگو با فایل لایه‌باز")
    o2 = offer(e2, req, price=7_000_000)
    assert Notification.objects.filter(recipient=req.buyer, kind="offer_received").count() == 2

    o1, order = actions.offer_accept(offer_id=o1.pk, buyer=req.buyer)
    assert order.status == Order.Status.PENDING_PAYMENT
    assert (order.price, order.delivery_days, order.revisions_allowed) == (9_000_000, 4, 3)
    assert order.package_title == "سه طرح لوگو با فایل لایه‌باز" and order.package_tier == "offer"
    assert order.package is None and order.title == o1.service.title and order.package_description == o1.description
    assert order.expert_id == e1.pk and order.service.owner_id == e1.pk
    assert order.total == order.price + order.buyer_fee
    assert OrderEvent.objects.filter(order=order, kind="created", note=f"offer:{o1.pk}").exists()
    req.refresh_from_db()
    o2.refresh_from_db()
    assert req.status == BuyerRequest.Status.ACCEPTED and o1.status == "accepted" and o1.order_id == order.pk
    assert o2.status == Offer.Status.DECLINED
    assert Notification.objects.filter(recipient=e2, kind="offer_declined").count() == 1
    assert Notification.objects.filter(recipient=e1, kind="offer_accepted").count() == 1
    assert list(OfferEvent.objects.filter(offer=o1).values_list("to_status", flat=True)) == ["sent", "accepted"]


def test_accepted_offer_is_paid_through_escrow(cat):
    from escrow.gateways.sandbox import charge_decide
    from orders import actions as order_actions

    req = public_request(category=cat)
    o = offer(expert_in(cat), req)
    _o, order = actions.offer_accept(offer_id=o.pk, buyer=req.buyer)
    payment, _url = order_actions.order_pay_start(order_id=order.pk, actor=req.buyer, gateway="sandbox",
                                                  callback_url=f"http://testserver/orders/{order.pk}/payment/callback/")
    assert payment.amount == order.total
    charge_decide(authority=payment.authority, pay=True)
    order_actions.order_payment_callback(order_id=order.pk, params=callback_params(payment), gateway="sandbox")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_REQUIREMENTS


def test_cannot_accept_expired_withdrawn_or_others_offers(cat):
    req = public_request(category=cat)
    e1, e2, e3 = expert_in(cat), expert_in(cat), expert_in(cat)
    o1, o2, o3 = offer(e1, req), offer(e2, req), offer(e3, req)
    actions.offer_withdraw(offer_id=o1.pk, expert=e1)
    with pytest.raises(RequestError) as err:
        actions.offer_accept(offer_id=o1.pk, buyer=req.buyer)
    assert err.value.code == "not_sent"
    Offer.objects.filter(pk=o2.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(RequestError) as err:
        actions.offer_accept(offer_id=o2.pk, buyer=req.buyer)
    assert err.value.code == "expired"
    with pytest.raises(RequestError) as err:
        actions.offer_accept(offer_id=o3.pk, buyer=buyer())
    assert err.value.code == "not_found"
    assert not Order.objects.exists()
    req.refresh_from_db()
    assert req.offer_count == 2  # the withdrawn one no longer counts


def test_edit_then_withdraw_and_offer_again(cat):
    req = public_request(category=cat)
    e = expert_in(cat)
    o = offer(e, req)
    actions.offer_update(offer_id=o.pk, expert=e, title=o.title, description=o.description, price=6_000_000,
                         delivery_days=3, revisions=1, expiry_days=3)
    o.refresh_from_db()
    assert o.price == 6_000_000
    with pytest.raises(RequestError):
        actions.offer_update(offer_id=o.pk, expert=expert_in(cat), title=o.title, description=o.description,
                             price=6_000_000, delivery_days=3, revisions=1, expiry_days=3)
    actions.offer_withdraw(offer_id=o.pk, expert=e)
    again = offer(e, req)
    assert again.pk != o.pk


def test_close_extend_and_expire(cat):
    req = public_request(category=cat)
    before = req.expires_at
    actions.request_extend(request_id=req.pk, actor=req.buyer)
    req.refresh_from_db()
    assert req.extended and (req.expires_at - before).days == 14
    with pytest.raises(RequestError):
        actions.request_extend(request_id=req.pk, actor=req.buyer)
    with pytest.raises(RequestError):
        actions.request_close(request_id=req.pk, actor=buyer())

    other = public_request(category=cat)
    o = offer(expert_in(cat), other)
    BuyerRequest.objects.filter(pk=other.pk).update(expires_at=timezone.now() + dt.timedelta(hours=5))
    assert actions.request_warn_expiring() == 1
    assert actions.request_warn_expiring() == 0
    assert Notification.objects.filter(recipient=other.buyer, kind="request_expiring").count() == 1
    BuyerRequest.objects.filter(pk=other.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert actions.request_expire_due() == 1
    other.refresh_from_db()
    o.refresh_from_db()
    assert other.status == "expired" and o.status == "expired"
    with pytest.raises(RequestError):
        actions.offer_accept(offer_id=o.pk, buyer=other.buyer)

    actions.request_close(request_id=req.pk, actor=req.buyer)
    req.refresh_from_db()
    assert req.status == "closed"
    assert list(RequestEvent.objects.filter(request=req).values_list("to_status", flat=True)) == ["open", "open",
                                                                                                  "closed"]


def test_daily_digest_once_per_expert_per_day(cat):
    e = expert_in(cat)
    expert_in(SubCategoryFactory())  # another category: nothing for them
    public_request(category=cat)
    public_request(category=cat)
    assert actions.digest_send() == 1
    assert actions.digest_send() == 0
    n = Notification.objects.get(recipient=e, kind="requests_digest")
    assert n.context["count"] == "۲"


def test_custom_request_and_offer_in_the_conversation():
    from messaging.models import Message

    cat = SubCategoryFactory()
    e = expert_in(cat)
    service = e.services.first()
    b = buyer()
    req = actions.request_create_custom(buyer=b, expert=e, service=service, title="ترجمهٔ یک مقاله",
                                        description="یک مقالهٔ ده صفحه‌ای دربارهٔ حقوق قرارداد را ترجمه کنید.",
                                        budget_min=2_000_000, budget_max=4_000_000, deadline_days=5)
    assert req.conversation.buyer_id == b.pk and req.conversation.expert_id == e.pk
    assert Message.objects.filter(conversation=req.conversation, kind="system").count() == 1
    assert Notification.objects.filter(recipient=e, kind="request_custom_received").exists()
    # Another expert cannot answer it.
    with pytest.raises(RequestError):
        offer(expert_in(cat), req)
    o = offer(e, req)
    assert o.conversation_id == req.conversation_id and o.service_id == service.pk
    _o, order = actions.offer_accept(offer_id=o.pk, buyer=b)
    assert order.service_id == service.pk
    # An unsolicited offer in the same conversation.
    o2 = actions.offer_send(expert=e, conversation=req.conversation, title="ویرایش مقاله پس از ترجمه",
                            description="ویرایش زبانی متن ترجمه‌شده با دو بار بازبینی.", price=1_000_000,
                            delivery_days=2, revisions=1, expiry_days=3)
    assert o2.request_id is None and o2.buyer_id == b.pk
    with pytest.raises(RequestError):  # the buyer cannot send an offer to themself
        actions.offer_send(expert=b, conversation=req.conversation, title="x" * 6, description="y" * 25,
                           price=1_000_000, delivery_days=2, revisions=1, expiry_days=3)


def test_expert_declines_a_custom_request():
    cat = SubCategoryFactory()
    e = expert_in(cat)
    b = buyer()
    req = actions.request_create_custom(buyer=b, expert=e, title="ترجمهٔ یک مقاله",
                                        description="یک مقالهٔ ده صفحه‌ای دربارهٔ حقوق قرارداد را ترجمه کنید.",
                                        budget_min=2_000_000, budget_max=4_000_000, deadline_days=5)
    with pytest.raises(RequestError) as err:
        actions.request_decline(request_id=req.pk, actor=e, reason="")
    assert err.value.field == "reason"
    actions.request_decline(request_id=req.pk, actor=e, reason="این هفته وقت آزاد ندارم.")
    req.refresh_from_db()
    assert req.status == "closed"
    assert Notification.objects.filter(recipient=b, kind="request_declined").exists()


@pytest.mark.django_db(transaction=True)
def test_two_offers_accepted_at_once_exactly_one_wins():
    cat = SubCategoryFactory()
    req = public_request(category=cat)
    offers = [offer(expert_in(cat), req), offer(expert_in(cat), req)]
    barrier = threading.Barrier(2)
    results = []

    def accept(o):
        try:
            barrier.wait()
            actions.offer_accept(offer_id=o.pk, buyer=req.buyer)
            results.append("ok")
        except RequestError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(o,)) for o in offers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["not_open", "ok"] or sorted(results) == ["not_sent", "ok"]
    assert Order.objects.count() == 1
    assert Offer.objects.filter(request=req, status="accepted").count() == 1

