"""Beat tasks on a real Celery worker: expiry of requests and offers, the daily digest."""

import datetime as dt

import pytest
from django.utils import timezone

from buyer_requests import tasks
from buyer_requests.models import BuyerRequest, Offer
from notifications.models import Notification
from tests.concurrency import wait_for
from tests.services.factories import SubCategoryFactory

from .factories import expert_in, offer, public_request


@pytest.mark.django_db(transaction=True)
def test_expiry_and_digest_tasks_on_a_real_worker(celery_worker_real):
    cat = SubCategoryFactory()
    e = expert_in(cat)
    req = public_request(category=cat)
    stale = offer(e, public_request(category=cat, title="درخواست دوم برای آزمون"), expiry_days=1)
    Offer.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    BuyerRequest.objects.filter(pk=req.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    tasks.requests_expire_task.delay()
    assert wait_for(lambda: BuyerRequest.objects.get(pk=req.pk).status == "expired"
                    and Offer.objects.get(pk=stale.pk).status == "expired")

    digests = celery_worker_real.finished(tasks.requests_digest_task.name)
    tasks.requests_digest_task.delay()
    tasks.requests_digest_task.delay()
    assert wait_for(lambda: Notification.objects.filter(recipient=e, kind="requests_digest").exists())
    assert wait_for(lambda: celery_worker_real.finished(tasks.requests_digest_task.name) >= digests + 2)  # both ran
    assert Notification.objects.filter(recipient=e, kind="requests_digest").count() == 1  # once a day
