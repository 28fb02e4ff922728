"""A service's images: at most six, exactly one cover while any exist."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from azmoodegan.persian import to_persian_digits
from azmoodegan.uploads import clean_image

from ..exceptions import GalleryError
from ..models import MAX_IMAGES, GalleryImage
from ..validators import gallery_check_file
from ._base import _ensure_editable, _ensure_owner, _lock

GALLERY_MAX_SIDE = 2000  # originals are re-encoded no larger than this


def _delete_unreferenced_files(storage, names: Iterable[str]) -> None:
    """Delete image files no gallery row uses any more (a revision shares files with its service)."""
    for name in names:
        if not GalleryImage.objects.filter(Q(image=name) | Q(thumbnail=name) | Q(card=name)).exists():
            storage.delete(name)


def gallery_add(*, service_id: int, actor: User, file: UploadedFile) -> GalleryImage:
    """Add an image (validated by content, re-encoded without EXIF); the first one becomes the cover."""
    gallery_check_file(file)  # the image work comes before the transaction: no lock held meanwhile
    content = clean_image(file, max_side=GALLERY_MAX_SIDE, name=f"service-{service_id}")
    with transaction.atomic():
        return _gallery_add(service_id=service_id, actor=actor, content=content)


def _gallery_add(*, service_id: int, actor: User, content) -> GalleryImage:
    service = _lock(service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    count = GalleryImage.objects.filter(service=service).count()
    if count >= MAX_IMAGES:
        raise GalleryError(
            _("A service may have at most %(n)s images; please remove one first.") % {"n": to_persian_digits(MAX_IMAGES)},
            field="images", code="too_many_images",
        )
    has_cover = GalleryImage.objects.filter(service=service, is_cover=True).exists()
    image = GalleryImage(service=service, position=count, is_cover=not has_cover)
    image.image.save(content.name, content, save=False)
    image.save()
    from ..tasks import make_image_sizes

    transaction.on_commit(lambda: make_image_sizes.delay(image.pk))
    return image


def _locked_image(image_id: int, actor: User) -> tuple[GalleryImage, object]:
    """The image and its service, the service locked and checked as the actor's own and editable."""
    image = GalleryImage.objects.filter(pk=image_id).only("service_id").first()
    if image is None:
        raise GalleryError(_("This image does not exist."), field="images")
    service = _lock(image.service_id)
    _ensure_owner(service, actor)
    _ensure_editable(service)
    return GalleryImage.objects.get(pk=image_id), service


@transaction.atomic
def gallery_remove(*, image_id: int, actor: User) -> None:
    """Remove an image; if it was the cover, the next image becomes the cover."""
    image, service = _locked_image(image_id, actor)
    was_cover = image.is_cover
    files = [f.name for f in (image.image, image.thumbnail, image.card) if f]
    storage = image.image.storage
    image.delete()
    if was_cover:
        successor = GalleryImage.objects.filter(service=service).order_by("position", "pk").first()
        if successor:
            successor.is_cover = True
            successor.save(update_fields=["is_cover"])

    transaction.on_commit(lambda: _delete_unreferenced_files(storage, files))


@transaction.atomic
def gallery_set_cover(*, image_id: int, actor: User) -> GalleryImage:
    image, service = _locked_image(image_id, actor)
    if not image.is_cover:
        GalleryImage.objects.filter(service=service, is_cover=True).update(is_cover=False)
        image.is_cover = True
        image.save(update_fields=["is_cover"])
    return image
