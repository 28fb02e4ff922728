"""Checks the edit forms run on one field before the actions run them again under the row lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from azmoodegan.persian import format_number, to_persian_digits
from azmoodegan.uploads import validate_image

from .exceptions import GalleryError, PackageError
from .models import (
    MAX_DELIVERY_DAYS,
    MAX_PRICE_RIALS,
    MAX_PRICE_TOMAN,
    MAX_REVISIONS,
    MIN_DELIVERY_DAYS,
    MIN_PRICE_RIALS,
    MIN_PRICE_TOMAN,
    Package,
)

if TYPE_CHECKING:
    from .actions import PackageData


def package_check(data: PackageData) -> None:
    """Raise PackageError unless one tier is within the rules (field names are `<tier>-<field>`)."""
    if data.tier not in Package.Tier.values:
        raise PackageError(_("Unknown package tier."), field=f"{data.tier}-tier")
    prefix = data.tier
    if not data.title.strip():
        raise PackageError(_("Please give this package a title."), field=f"{prefix}-title")
    if not data.description.strip():
        raise PackageError(_("Please say what this package includes."), field=f"{prefix}-description")
    if not (MIN_PRICE_RIALS <= data.price <= MAX_PRICE_RIALS):
        raise PackageError(
            _("The price must be between %(min)s and %(max)s Toman.")
            % {"min": format_number(MIN_PRICE_TOMAN), "max": format_number(MAX_PRICE_TOMAN)},
            field=f"{prefix}-price", code="price_range",
        )
    if not (MIN_DELIVERY_DAYS <= data.delivery_days <= MAX_DELIVERY_DAYS):
        raise PackageError(
            _("Delivery must take between %(min)s and %(max)s days.")
            % {"min": to_persian_digits(MIN_DELIVERY_DAYS), "max": to_persian_digits(MAX_DELIVERY_DAYS)},
            field=f"{prefix}-delivery_days", code="delivery_range",
        )
    if data.revisions is not None and not (0 <= data.revisions <= MAX_REVISIONS):
        raise PackageError(
            _("Revisions must be between 0 and %(max)s, or unlimited.") % {"max": to_persian_digits(MAX_REVISIONS)},
            field=f"{prefix}-revisions", code="revisions_range",
        )


def gallery_check_file(file: UploadedFile) -> None:
    """Raise GalleryError unless `file` is an acceptable image (content, size, dimensions)."""
    try:
        validate_image(file)
    except ValidationError as exc:
        raise GalleryError(exc.messages[0], field="images", code=exc.code) from exc
