"""Gallery sizes are made by a real Celery worker after the upload commits."""

import time

import pytest

from services import actions
from services.models import GalleryImage

from .factories import ServiceFactory, upload


@pytest.mark.django_db(transaction=True)
def test_real_worker_makes_thumbnail_and_card(celery_worker_real):
    service = ServiceFactory()
    image = actions.gallery_add(service_id=service.pk, actor=service.owner,
                                file=upload("big.png", size=(1600, 1200)))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        image = GalleryImage.objects.get(pk=image.pk)
        if image.card and image.thumbnail:
            break
        time.sleep(0.2)
    assert image.card and image.thumbnail
    assert image.card_url != image.image.url
