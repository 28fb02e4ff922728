"""Profile photos: checked by content, cropped square by Pillow; the thumbnail comes from Celery."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from azmoodegan.uploads import validate_image

from .models import Profile

PHOTO_SIDE = 512
THUMB_SIDE = 96


def square(file, side: int) -> ContentFile:
    """Centre-crop `file` to a square of `side` pixels, re-encoded as JPEG without metadata."""
    file.seek(0)
    with Image.open(file) as img:
        img = ImageOps.exif_transpose(img).convert("RGB")
        img = ImageOps.fit(img, (side, side), method=Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=86, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


@transaction.atomic
def set_photo(*, user, upload) -> Profile:
    """Validate and store `user`'s photo (experts: also their expert avatar, which cards show)."""
    from .tasks import make_photo_thumbnail

    validate_image(upload)
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.photo.save("photo.jpg", square(upload, PHOTO_SIDE), save=False)
    profile.photo_thumb = ""
    profile.save(update_fields=["photo", "photo_thumb"])
    expert = getattr(user, "expert_profile", None)
    if expert is not None:
        type(expert).objects.filter(pk=expert.pk).update(avatar=profile.photo.name)
    transaction.on_commit(lambda: make_photo_thumbnail.delay(user.pk))
    return profile


def make_thumbnail(user_id: int) -> None:
    profile = Profile.objects.filter(user_id=user_id).first()
    if profile is None or not profile.photo:
        return
    name = profile.photo.name
    with profile.photo.open("rb") as fh:
        thumb = square(fh, THUMB_SIDE)
    # Only if the photo is still the one we read (a newer upload queues its own thumbnail).
    fresh = Profile.objects.get(pk=profile.pk)
    if fresh.photo.name != name:
        return
    fresh.photo_thumb.save("thumb.jpg", thumb, save=False)
    Profile.objects.filter(pk=profile.pk, photo=name).update(photo_thumb=fresh.photo_thumb.name)
