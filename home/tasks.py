"""Background work: verification texts, photo thumbnails, flushing page-view counters."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3, default_retry_delay=5, acks_late=True)
def send_verification_sms(self, mobile: str, code: str):
    from .sms import SmsError, SmsUnavailable, get_backend

    try:
        return get_backend().send_code(mobile, code)
    except SmsUnavailable as exc:
        raise self.retry(exc=exc) from exc
    except SmsError as exc:
        logger.error("SMS to %s refused for good: %s", mobile, exc)
        return None


@shared_task
def make_photo_thumbnail(user_id: int):
    from .photos import make_thumbnail

    make_thumbnail(user_id)


@shared_task
def flush_service_counters():
    from .impressions import flush

    return flush()
