"""Checks and clean-up for uploaded images, shared by avatars and service galleries.

Images are recognised by their content (Pillow), never by name or browser-sent type; oversized
and decompression-bomb images are refused before decoding; what is kept is re-encoded, which
drops EXIF (location, camera) and anything appended to the file.
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from azmoodegan.persian import to_persian_digits

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 4000
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def validate_image(file: UploadedFile, *, max_bytes: int = MAX_IMAGE_BYTES, max_side: int = MAX_IMAGE_SIDE) -> str:
    """Raise ValidationError unless `file` is a JPEG, PNG or WebP within the limits; return its format."""
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            _("The image is larger than %(mb)s MB; please choose a smaller file.")
            % {"mb": to_persian_digits(max_bytes // (1024 * 1024))},
            code="image_too_large",
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _("Only JPEG, PNG or WebP images are accepted."), code="image_format"
                    )
                if width > max_side or height > max_side:
                    raise ValidationError(
                        _("The image may be at most %(side)s×%(side)s pixels.")
                        % {"side": to_persian_digits(max_side)},
                        code="image_dimensions",
                    )
                probe.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image may be at most %(side)s×%(side)s pixels.") % {"side": to_persian_digits(max_side)},
            code="image_dimensions",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for non-images
        raise ValidationError(
            _("This file is not an image. Only JPEG, PNG or WebP images are accepted."), code="not_image"
        ) from exc
    finally:
        file.seek(0)
    return fmt


def clean_image(file: UploadedFile, *, max_side: int | None = None, name: str = "image") -> ContentFile:
    """Re-encode a validated image without its metadata, optionally shrunk to `max_side`."""
    file.seek(0)
    with Image.open(file) as img:
        fmt = img.format
        img = ImageOps.exif_transpose(img)
        if max_side:
            img.thumbnail((max_side, max_side))
        if fmt == "JPEG" and img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        out = io.BytesIO()
        params = {"quality": 88, "optimize": True} if fmt in ("JPEG", "WEBP") else {"optimize": True}
        img.save(out, format=fmt, **params)
    return ContentFile(out.getvalue(), name=f"{name}.{ALLOWED_FORMATS[fmt]}")
