"""Reviews through `reviews.actions`: double-blind publication, exact totals, bad input, staff hiding,
the window's beat tasks, replies and helpful marks."""

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from orders.models import Order
from outbox.api import drain
from reviews import actions
from reviews.checks import check_ratings
from reviews.exceptions import ReviewError, ReviewNotFound
from reviews.models import Review, ReviewWindow, ServiceRating
from tests.accounts.factories import UserFactory
from tests.orders import factories as of

from . import factories as f

pytestmark = pytest.mark.django_db
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def persian_error(exc_info) -> str:
    message = str(exc_info.value.message)
    assert PERSIAN.search(message), message
    return message


def test_completion_opens_the_window_and_invites_both_sides():
    order = f.completed_order()
    assert not ReviewWindow.objects.filter(order=order).exists()  # until the outbox is drained
    drain()
    window = ReviewWindow.objects.get(order=order)
    assert window.opened_at == order.completed_at or abs(window.opened_at - order.completed_at) < dt.timedelta(seconds=1)
    assert window.closes_at - window.opened_at == dt.timedelta(days=14)
    invited = set(Notification.objects.filter(kind="review_invite").values_list("recipient_id", flat=True))
    assert invited == {order.buyer_id, order.expert_id}


def test_double_blind_then_both_published_with_exact_totals():
    order = f.completed_order()
    review = f.buyer_review(order, 4, communication=5, as_described=3, on_time=4)
    assert review.published_at is None
    service = order.service
    service.refresh_from_db()
    assert service.rating_count == 0  # not counted (nor shown) before publication

    expert_side = f.expert_review(order, 5)
    review.refresh_from_db()
    assert review.published_at and expert_side.published_at
    totals = ServiceRating.objects.get(service=service)
    assert (totals.count, totals.total, totals.star_4, totals.communication_total, totals.as_described_total,
            totals.on_time_total) == (1, 4, 1, 5, 3, 4)
    service.refresh_from_db()
    assert (service.rating_count, service.rating_avg) == (1, Decimal("4.00"))
    assert order.expert.rating_totals.count == 1
    assert check_ratings() == []


def test_second_order_moves_the_average():
    first = f.completed_order()
    package = first.package
    second = f.completed_order(package=package)
    for order, stars in ((first, 5), (second, 2)):
        f.buyer_review(order, stars)
        f.expert_review(order)
    service = first.service
    service.refresh_from_db()
    assert (service.rating_count, service.rating_avg) == (2, Decimal("3.50"))


@pytest.mark.parametrize("field,value", [
    ("rating", 0), ("rating", 6), ("rating", None), ("communication", None), ("on_time", 7), ("as_described", "x"),
])
def test_bad_stars_are_refused_in_persian(field, value):
    order = f.completed_order()
    data = {"rating": 5, "communication": 5, "as_described": 5, "on_time": 5, field: value}
    with pytest.raises(ReviewError) as exc:
        actions.review_submit(order_id=order.pk, actor=order.buyer, **data)
    persian_error(exc)
    assert exc.value.field == field
    assert not Review.objects.exists()


def test_text_of_2001_characters_is_refused_and_2000_accepted():
    order = f.completed_order()
    with pytest.raises(ReviewError) as exc:
        f.buyer_review(order, text="ا" * 2001)
    assert "۲۰۰۰" in persian_error(exc) or "2000" in str(exc.value.message)
    assert f.buyer_review(order, text="ب" * 2000).text == "ب" * 2000


def test_only_the_parties_of_a_completed_order_review_it_once_within_the_window():
    order = f.completed_order()
    with pytest.raises(ReviewNotFound):
        actions.review_submit(order_id=order.pk, actor=UserFactory(), rating=5, communication=5, as_described=5,
                              on_time=5)
    delivered = of.delivered_order()
    with pytest.raises(ReviewError) as exc:
        f.buyer_review(delivered)
    assert exc.value.code == "not_completed"
    persian_error(exc)

    f.buyer_review(order)
    with pytest.raises(ReviewError) as exc:
        f.buyer_review(order, 1)
    assert exc.value.code == "duplicate"
    persian_error(exc)

    late = f.completed_order()
    with pytest.raises(ReviewError) as exc:
        actions.review_submit(order_id=late.pk, actor=late.expert, rating=5,
                              now=timezone.now() + dt.timedelta(days=14, minutes=1))
    assert exc.value.code == "window_closed"
    persian_error(exc)
    assert Review.objects.count() == 1


def test_script_tag_is_kept_as_text():
    order = f.completed_order()
    review = f.buyer_review(order, text="<script>alert(1)</script> خوب")
    assert review.text == "<script>alert(1)</script> خوب"


def test_window_close_publishes_a_lone_review_and_reminder_goes_once():
    order = f.completed_order()
    review = f.buyer_review(order, 3)
    window = ReviewWindow.objects.get(order=order)
    assert actions.send_reminders(now=window.closes_at - dt.timedelta(days=4)) == 0
    assert actions.send_reminders(now=window.closes_at - dt.timedelta(days=2, hours=23)) == 1  # only the expert
    assert list(Notification.objects.filter(kind="review_reminder").values_list("recipient_id", flat=True)) == [
        order.expert_id]
    assert actions.send_reminders(now=window.closes_at - dt.timedelta(days=2)) == 0
    assert actions.close_due_windows(now=window.closes_at - dt.timedelta(minutes=1)) == 0
    assert actions.close_due_windows(now=window.closes_at) == 1
    review.refresh_from_db()
    assert review.published_at is not None
    order.service.refresh_from_db()
    assert order.service.rating_count == 1
    with pytest.raises(ReviewError):
        actions.review_submit(order_id=order.pk, actor=order.expert, rating=5)


def test_hide_and_unhide_move_the_totals_at_once():
    first = f.completed_order()
    second = f.completed_order(package=first.package)
    f.buyer_review(first, 5)
    f.expert_review(first)
    low = f.buyer_review(second, 1)
    f.expert_review(second)
    service = first.service
    service.refresh_from_db()
    assert service.rating_avg == Decimal("3.00")
    staff = UserFactory(is_staff=True)
    with pytest.raises(ReviewError) as exc:
        actions.review_hide(review_id=low.pk, actor=staff, reason="")
    persian_error(exc)
    actions.review_hide(review_id=low.pk, actor=staff, reason="توهین‌آمیز")
    service.refresh_from_db()
    assert (service.rating_count, service.rating_avg) == (1, Decimal("5.00"))
    assert ServiceRating.objects.get(service=service).star_1 == 0
    assert check_ratings() == []
    with pytest.raises(ReviewError):
        actions.review_hide(review_id=low.pk, actor=first.buyer, reason="x")
    actions.review_unhide(review_id=low.pk, actor=staff)
    service.refresh_from_db()
    assert (service.rating_count, service.rating_avg) == (2, Decimal("3.00"))
    assert check_ratings() == []


def test_check_ratings_names_each_mismatch():
    order = f.completed_order()
    f.buyer_review(order, 4)
    f.expert_review(order)
    call_command("check_ratings", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_servicerating SET star_4 = star_4 + 1, total = total + 3 WHERE service_id = %s",
                       [order.service_id])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("check_ratings", stdout=StringIO(), stderr=err)
    text = err.getvalue()
    assert f"service {order.service_id}: star_4 is 2, the reviews give 1" in text
    assert f"service {order.service_id}: total is 7, the reviews give 4" in text


def test_reply_once_by_the_reviewed_expert_editable_for_24_hours():
    order = f.completed_order()
    review = f.buyer_review(order)
    with pytest.raises(ReviewNotFound):  # not published yet
        actions.reply_create(review_id=review.pk, actor=order.expert, text="ممنون")
    f.expert_review(order)
    other_expert = f.completed_order().expert
    with pytest.raises(ReviewError) as exc:
        actions.reply_create(review_id=review.pk, actor=other_expert, text="من هم")
    persian_error(exc)
    actions.reply_create(review_id=review.pk, actor=order.expert, text="ممنون از شما")
    with pytest.raises(ReviewError) as exc:
        actions.reply_create(review_id=review.pk, actor=order.expert, text="دوباره")
    assert exc.value.code == "duplicate"
    persian_error(exc)
    assert actions.reply_edit(review_id=review.pk, actor=order.expert, text="سپاس").text == "سپاس"
    with pytest.raises(ReviewError) as exc:
        actions.reply_edit(review_id=review.pk, actor=order.expert, text="دیر",
                           now=timezone.now() + dt.timedelta(hours=25))
    assert exc.value.code == "edit_closed"
    expert_review = Review.objects.get(order=order, side="expert")
    with pytest.raises(ReviewError):  # the buyer cannot reply to the expert's review of them
        actions.reply_create(review_id=expert_review.pk, actor=order.buyer, text="پاسخ")


def test_helpful_once_per_user_never_by_the_parties():
    order = f.completed_order()
    review = f.buyer_review(order)
    f.expert_review(order)
    reader = UserFactory()
    assert actions.mark_helpful(review_id=review.pk, actor=reader) is True
    assert actions.mark_helpful(review_id=review.pk, actor=reader) is False
    with pytest.raises(ReviewError):
        actions.mark_helpful(review_id=review.pk, actor=order.buyer)
    review.refresh_from_db()
    assert review.helpful_count == 1


def test_cancelled_order_cannot_be_reviewed():
    order = of.paid_order()
    from orders import actions as order_actions

    order_actions.order_cancel(order_id=order.pk, actor=order.buyer, reason="منصرف شدم")
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    with pytest.raises(ReviewError) as exc:
        f.buyer_review(order)
    assert exc.value.code == "not_completed"
