"""The beat tasks on a real Celery worker: a reminder goes to the side that has not reviewed, a
closed window publishes its lone review, and the totals and the catalogue's rating follow."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Notification
from outbox.models import Message as OutboxMessage
from reviews import tasks
from reviews.checks import check_ratings
from reviews.models import Review, ReviewWindow
from tests.concurrency import wait_for

from . import factories as f


@pytest.mark.django_db(transaction=True)
def test_close_windows_and_reminders_on_a_real_worker(celery_worker_real):
    order = f.completed_order()
    review = f.buyer_review(order, 4)
    # The order's own side effects are drained first, as they are long before a beat run in production:
    # the beat tasks and the drainer then never wait on each other's rows (a deadlock would only be retried).
    assert wait_for(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists())
    ReviewWindow.objects.filter(order=order).update(closes_at=timezone.now() + dt.timedelta(days=2))
    tasks.send_review_reminders.delay()
    assert wait_for(lambda: ReviewWindow.objects.filter(order=order, reminded_at__isnull=False).exists())
    assert list(Notification.objects.filter(kind="review_reminder").values_list("recipient_id", flat=True)) == [
        order.expert_id]
    ReviewWindow.objects.filter(order=order).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    tasks.close_review_windows.delay()
    assert wait_for(lambda: Review.objects.filter(pk=review.pk, published_at__isnull=False).exists())
    order.service.refresh_from_db()
    assert (order.service.rating_count, str(order.service.rating_avg)) == (1, "4.00")
    assert check_ratings() == []
