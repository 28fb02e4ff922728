"""Service cards from a fragment cache: `{% service_cards services as cards %}`.

A page of results shows up to 24 cards, and rendering them was most of the cost of every page
rendered per request (signed-in users, the first view of a URL). This tag fetches the HTML of all
cards of a page with one `cache.get_many`, renders only the misses with `services/_card.html` and
stores them with one `set_many`. The loop then prints the HTML beside its service:

    {% load service_cards %}{% service_cards services as cards %}
    {% for service, card in cards %}<div class="col">{{ card }}</div>{% endfor %}

A card can never be stale, by construction: its cache key is a digest of every value the card
shows, read from the very instances the page loaded from the database (price, rating, title as
displayed — search results carry a highlighted one —, expert name, level, avatar, cover, URL
parts), plus the language and a digest of the code and translations that turn those values into
HTML. A miss is rendered from new, unsaved instances rebuilt from those keyed values alone, so the
card template cannot show anything its key does not cover: a field added to `_card.html` without
adding it to `card_values` renders empty, visibly, instead of going stale. No catalogue version is
read, so there is no extra query and no race between reading the version and reading the data,
and a write to one service leaves every other card cached.

Cards hold no per-visitor data (no CSRF token, no compare state, no user); the compare toggle
is rendered outside them.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from accounts.models import ExpertProfile
from services.models import GalleryImage, Service

register = template.Library()

CARD_TEMPLATE = "services/_card.html"
CARD_TTL_SECONDS = 24 * 3600
# A highlighted title belongs to one search; those variants are kept briefly so they don't pile up.
HIGHLIGHTED_CARD_TTL_SECONDS = 600
KEY_PREFIX = "svc-card:"
# The service fields a card shows (besides its title, whose HTML-safety also matters).
SERVICE_FIELDS = ("pk", "slug", "rating_avg", "rating_count", "min_price", "min_delivery_days")


def code_revision() -> str:
    """A digest of what turns a card's values into HTML: its template, the Persian number
    filters, this module, the translations and the media URL.

    A deploy that changes any of them starts a new set of keys (old cards simply expire). Read
    once per process, except in development, where an edited card template shows at once.
    """
    return _code_revision() if not settings.DEBUG else _code_revision.__wrapped__()


@functools.cache
def _code_revision() -> str:
    from azmoodegan import persian
    from azmoodegan.templatetags import persian as persian_filters

    base = Path(settings.BASE_DIR)
    sources = [
        Path(get_template(CARD_TEMPLATE).origin.name),
        Path(persian.__file__),
        Path(persian_filters.__file__),
    ]
    sources += [Path(__file__), *sorted(base.glob("locale/*/LC_MESSAGES/*.mo"))]
    sources += sorted(base.glob("*/locale/*/LC_MESSAGES/*.mo"))  # Django merges every app's catalogue
    digest = hashlib.blake2b(str(settings.MEDIA_URL).encode(), digest_size=6)
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def card_values(service: Service) -> tuple:
    """Every value the card of `service` shows, as plain data (the cache key is its digest)."""
    title = service.title
    profile = getattr(service.owner, "expert_profile", None)
    covers = getattr(service, "covers", None)  # prefetched by `services.selectors.with_card_data`
    cover = covers[0] if covers else None
    # Measured response time (messaging), only when the query joined it: never a query per card.
    stats = service.owner._state.fields_cache.get("search_stats") if profile is not None else None
    return (
        tuple(getattr(service, name) for name in SERVICE_FIELDS),
        (isinstance(title, SafeData), str(title)),
        (profile.display_name, profile.avatar.name or "", profile.level,
         stats.response_seconds if stats is not None else None) if profile is not None else None,
        (cover.image.name or "", cover.card.name or "") if cover is not None else None,
    )


def card_key(values: tuple, prefix: str | None = None) -> str:
    """`svc-card:<code revision>:<language>:<service id>:<digest of the values>`."""
    prefix = prefix or key_prefix()
    return f"{prefix}{values[0][0]}:{hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()}"


def key_prefix() -> str:
    return f"{KEY_PREFIX}{code_revision()}:{get_language() or '-'}:"


def render_card(values: tuple) -> str:
    """The card's HTML from `values` alone (new, unsaved instances; nothing else is in reach)."""
    fields, (title_is_safe, title), profile_values, cover_values = values
    service = Service(**dict(zip(SERVICE_FIELDS, fields, strict=True)))
    service.title = mark_safe(title) if title_is_safe else title  # noqa: S308 - it was safe when keyed
    profile = cover = response_seconds = None
    if profile_values is not None:
        display_name, avatar, level, response_seconds = profile_values
        profile = ExpertProfile(display_name=display_name, avatar=avatar, level=level)
    if cover_values is not None:
        image, card = cover_values
        cover = GalleryImage(image=image, card=card)
    return get_template(CARD_TEMPLATE).render({"service": service, "profile": profile, "cover": cover,
                                                  "response_seconds": response_seconds})


@register.simple_tag
def service_cards(services) -> list[tuple[Service, str]]:
    """[(service, card HTML), ...] for `services`, in order; one cache round trip for them all."""
    services = list(services)
    if not services:
        return []
    values = [card_values(service) for service in services]
    prefix = key_prefix()
    keys = [card_key(v, prefix) for v in values]
    found = cache.get_many(keys)
    missing: dict[bool, dict[str, str]] = {False: {}, True: {}}  # by "the title is highlighted"
    for key, value in zip(keys, values, strict=True):
        if key not in found:
            (_, (highlighted, _), _, _) = value
            found[key] = missing[highlighted][key] = str(render_card(value))
    for highlighted, cards in missing.items():
        if cards:
            cache.set_many(cards, HIGHLIGHTED_CARD_TTL_SECONDS if highlighted else CARD_TTL_SECONDS)
    return [(service, mark_safe(found[key])) for service, key in zip(services, keys, strict=True)]  # noqa: S308
