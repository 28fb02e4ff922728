import io

import pytest
from PIL import Image

from services import actions
from services.exceptions import GalleryError, ServicePermissionError
from services.models import GalleryImage

from .factories import ServiceFactory, decompression_bomb, expert_user, image_bytes, upload

pytestmark = pytest.mark.django_db


def test_first_image_is_cover_and_sizes_are_made(django_capture_on_commit_callbacks):
    service = ServiceFactory()
    with_exif = io.BytesIO()
    img = Image.new("RGB", (800, 600), (200, 100, 50))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"
    img.save(with_exif, format="JPEG", exif=exif)
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.gallery_add(service_id=service.pk, actor=service.owner,
                                    file=upload("a.jpg", content=with_exif.getvalue(), content_type="image/jpeg"))
    second = actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload("b.png"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_cover and not second.is_cover
    # Celery runs eagerly in tests: thumbnail and card exist once the commit hooks ran.
    assert first.card and first.thumbnail
    with first.card.open("rb") as fh, Image.open(fh) as card:
        assert card.size == (600, 400)
    with first.image.open("rb") as fh, Image.open(fh) as stored:
        assert "SecretCamera" not in str(dict(stored.getexif()))


def test_seventh_image_is_refused():
    service = ServiceFactory()
    for i in range(6):
        actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload(f"{i}.png"))
    with pytest.raises(GalleryError) as exc:
        actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload("7.png"))
    assert exc.value.field == "images"
    assert "۶" in str(exc.value.message)
    assert service.images.count() == 6


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contract.jpg", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'),
        ("anim.gif", image_bytes("GIF")),
    ],
)
def test_non_images_and_other_formats_are_refused(name, content):
    service = ServiceFactory()
    with pytest.raises(GalleryError) as exc:
        actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload(name, content=content))
    assert "JPEG" in str(exc.value.message)
    assert not GalleryImage.objects.exists()


def test_decompression_bomb_is_refused():
    """A 30,000×30,000 PNG compresses to a few hundred KB; it must be refused before decoding."""
    service = ServiceFactory()
    with pytest.raises(GalleryError) as exc:
        actions.gallery_add(service_id=service.pk, actor=service.owner,
                            file=upload("bomb.png", content=decompression_bomb()))
    assert "۴۰۰۰" in str(exc.value.message)


def test_remove_cover_promotes_next():
    service = ServiceFactory()
    a = actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload("a.png"))
    b = actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload("b.png"))
    actions.gallery_remove(image_id=a.pk, actor=service.owner)
    b.refresh_from_db()
    assert b.is_cover
    assert service.images.count() == 1


def test_set_cover_keeps_exactly_one():
    service = ServiceFactory()
    actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload("a.png"))
    b = actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload("b.png"))
    actions.gallery_set_cover(image_id=b.pk, actor=service.owner)
    assert list(service.images.filter(is_cover=True).values_list("pk", flat=True)) == [b.pk]


def test_only_owner_touches_gallery():
    service = ServiceFactory()
    image = actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload("a.png"))
    other = expert_user()
    with pytest.raises(ServicePermissionError):
        actions.gallery_add(service_id=service.pk, actor=other, file=upload("b.png"))
    with pytest.raises(ServicePermissionError):
        actions.gallery_remove(image_id=image.pk, actor=other)
    with pytest.raises(ServicePermissionError):
        actions.gallery_set_cover(image_id=image.pk, actor=other)


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_never_exceed_six():
    """Two uploads racing for the last slot: the row lock lets exactly one through."""
    import threading

    from django.db import connection

    service = ServiceFactory()
    for i in range(5):
        actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload(f"{i}.png"))
    errors, barrier = [], threading.Barrier(2)

    def add(name):
        try:
            barrier.wait()
            actions.gallery_add(service_id=service.pk, actor=service.owner, file=upload(name))
        except GalleryError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(f"race-{i}.png",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert GalleryImage.objects.filter(service=service).count() == 6
    assert len(errors) == 1
    assert GalleryImage.objects.filter(service=service, is_cover=True).count() == 1
