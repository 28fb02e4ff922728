"""Thumbnails, verification texts and the page-view flush through a real Celery worker on Redis."""


from home import impressions
from home.models import Profile, ServiceDay
from home.photos import set_photo
from home.sms.console import OUTBOX
from home.tasks import flush_service_counters
from home.verification import send_code
from tests.accounts.factories import UserFactory
from tests.concurrency import wait_for
from tests.services.factories import published_service

from .helpers import image_upload


def test_real_worker_thumbnails_texts_and_flushes(celery_worker_real):
    user = UserFactory()
    set_photo(user=user, upload=image_upload(size=(800, 600)))
    assert wait_for(lambda: bool(Profile.objects.get(user=user).photo_thumb))
    before = len(OUTBOX)
    send_code(mobile="09127654321", purpose="verify", user_id=user.pk, ip="127.0.0.9")
    assert wait_for(lambda: len(OUTBOX) > before and OUTBOX[-1][0] == "09127654321")
    service = published_service()
    for _ in range(5):
        impressions.record_view(service.pk)
    flush_service_counters.delay()
    assert wait_for(lambda: ServiceDay.objects.filter(service=service, views=5).exists())
    assert impressions.pending_counts([service.pk]) == {service.pk: 0}
