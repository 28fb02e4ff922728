"""Background work for the catalogue: image sizes for the gallery."""

import io

from celery import shared_task
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

THUMBNAIL_SIZE = (320, 320)
CARD_SIZE = (600, 400)  # 3:2, the cover on a service card


def _encode(img: Image.Image) -> bytes:
    out = io.BytesIO()
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    img.save(out, format="JPEG", quality=84, optimize=True, progressive=True)
    return out.getvalue()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def make_image_sizes(self, image_id: int) -> None:
    """Make the thumbnail and card versions of one gallery image; does nothing when they exist.

    Until this runs, pages show the original scaled by the browser (GalleryImage.card_url).
    """
    from .models import GalleryImage

    image = GalleryImage.objects.filter(pk=image_id).first()
    if image is None or (image.thumbnail and image.card):
        return
    with image.image.open("rb") as fh, Image.open(fh) as original:
        original.load()
        thumb = original.copy()
        thumb.thumbnail(THUMBNAIL_SIZE)
        card = ImageOps.fit(original, CARD_SIZE, method=Image.Resampling.LANCZOS)
    base = f"service-{image.service_id}-{image.pk}"
    image.thumbnail.save(f"{base}-thumb.jpg", ContentFile(_encode(thumb)), save=False)
    image.card.save(f"{base}-card.jpg", ContentFile(_encode(card)), save=False)
    GalleryImage.objects.filter(pk=image.pk).update(thumbnail=image.thumbnail.name, card=image.card.name)
