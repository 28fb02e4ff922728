"""The site's name and domain for emails and absolute links (the Sites framework is not installed)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Site:
    name: str
    domain: str

    def __str__(self) -> str:
        return self.domain


def current_site() -> Site:
    """«آزمودگان» and the host of SITE_URL (e.g. azmoodegan.ir), in the active language."""
    return Site(name=_("Azmoodegan"), domain=urlsplit(settings.SITE_URL).netloc or "azmoodegan.ir")
