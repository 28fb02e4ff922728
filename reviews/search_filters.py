"""Reputation filters search applies (kept here so search/ only calls them): the expert's level
(at or above) and "verified" (mobile verified by code and identity checked by staff; see `metrics.is_verified`).
Subqueries on the expert profile, so the search query gains no join."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import ExpertProfile

from .metrics import LEVEL_ORDER, is_verified  # noqa: F401 - search's compare uses is_verified

LEVEL_CHOICES = [
    ("", _("Any level")),
    ("level_1", _("Level 1 and up")),
    ("level_2", _("Level 2 and up")),
    ("top_rated", _("Top rated")),
]

# Texts search shows for these filters (translated in this app's catalogue).
LEVEL_LABEL = _("Expert level")
VERIFIED_LABEL = _("Verified experts only")
LEVEL_INVALID = _("Choose one of the levels in the list.")
VERIFIED_ROW = _("Identity checked")
VERIFIED_YES = _("Mobile and national code checked")
VERIFIED_NO = _("Not checked yet")


def levels_from(level: str) -> list[str]:
    values = [str(v) for v in LEVEL_ORDER]
    return values[values.index(level):] if level in values else values


def apply(qs: QuerySet, extra: dict) -> QuerySet:
    level = extra.get("min_level")
    if level:
        qs = qs.filter(owner_id__in=ExpertProfile.objects.filter(level__in=levels_from(level)).values("user_id"))
    if extra.get("verified"):
        from home.models import Profile

        qs = qs.filter(owner_id__in=Profile.objects.filter(
            mobile_verified_at__isnull=False, identity=Profile.Identity.VERIFIED).exclude(mobile="").values("user_id"))
    return qs
