"""Service cards come from a fragment cache keyed by what they show, so they are never stale."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import ExpertProfile
from home.selectors import warm_home_caches
from services import actions
from services.actions import PackageData
from services.models import Package, Service
from services.templatetags.service_cards import card_key, card_values, render_card, service_cards
from tests.accounts.factories import UserFactory

from .factories import GalleryImageFactory, published_service

pytestmark = pytest.mark.django_db

CARD = "services/_card.html"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """The card cache matters for pages rendered per request (signed-in users, first views)."""
    settings.PAGE_CACHE = False


def cards_in(html: str) -> list[str]:
    return re.findall(r'<article class="az-card az-svc-card".*?</article>', html, re.S)


def card_renders(response) -> int:
    return [t.name for t in response.templates].count(CARD)


def test_second_render_of_a_page_draws_no_card_and_costs_the_same_queries(client):
    for _ in range(3):
        published_service()
    warm_home_caches()  # the home page's own cached figures; this test is about the cards
    with CaptureQueriesContext(connection) as cold:
        first = client.get("/")
    with CaptureQueriesContext(connection) as warm:
        second = client.get("/")
    assert card_renders(first) == 3
    assert card_renders(second) == 0
    assert len(warm.captured_queries) == len(cold.captured_queries)
    assert cards_in(second.content.decode()) == cards_in(first.content.decode())


def test_a_price_change_through_the_actions_shows_at_once(client):
    service = published_service()
    url = reverse("services:category", args=[service.category.slug])
    assert "۱۲۰٬۰۰۰ تومان" in cards_in(client.get(url).content.decode())[0]
    # A published service changes through a revision that staff approve; then buyers see it.
    revision = actions.service_revision_start(service_id=service.pk, actor=service.owner)
    basic = PackageData(Package.Tier.BASIC, "پایه", "یک قرارداد", 4_560_000, 3, 1)
    actions.package_set(service_id=revision.pk, actor=service.owner, packages=[basic])
    actions.service_submit(service_id=revision.pk, actor=service.owner)
    actions.service_approve(service_id=revision.pk, actor=UserFactory(is_staff=True))
    response = client.get(url)
    (card,) = cards_in(response.content.decode())
    assert card_renders(response) == 1  # a new card, not the cached one
    assert "۴۵۶٬۰۰۰ تومان" in card and "۱۲۰٬۰۰۰" not in card


def test_an_expert_renaming_themselves_or_a_new_cover_shows_at_once(client):
    service = published_service()
    client.get("/")
    ExpertProfile.objects.filter(user=service.owner).update(
        display_name="نام تازه", level=ExpertProfile.Level.TOP_RATED
    )
    GalleryImageFactory(service=service, is_cover=False)
    service.images.update(is_cover=False)
    cover = service.images.order_by("-pk").first()
    service.images.filter(pk=cover.pk).update(is_cover=True)
    (card,) = cards_in(client.get("/").content.decode())
    assert "نام تازه" in card
    assert str(ExpertProfile.Level.TOP_RATED.label) in card
    assert cover.image.name.rsplit("/", 1)[-1] in card


def test_each_shown_value_is_in_the_key():
    service = published_service()
    service = Service.objects.select_related("owner__expert_profile").get(pk=service.pk)
    service.covers = list(service.images.filter(is_cover=True))
    base = card_key(card_values(service))
    changes = {
        "title": "عنوان دیگر",
        "slug": "slug-digar",
        "rating_avg": 4.5,
        "rating_count": 7,
        "min_price": 9_990_000,
        "min_delivery_days": 9,
    }
    for field, value in changes.items():
        old = getattr(service, field)
        setattr(service, field, value)
        assert card_key(card_values(service)) != base, field
        setattr(service, field, old)
    profile = service.owner.expert_profile
    for field, value in {
        "display_name": "دیگری",
        "level": ExpertProfile.Level.LEVEL_2,
        "avatar": "avatars/a.png",
    }.items():
        old = getattr(profile, field)
        setattr(profile, field, value)
        assert card_key(card_values(service)) != base, field
        setattr(profile, field, old)
    service.covers[0].card = "services/cards/c.jpg"
    assert card_key(card_values(service)) != base
    service.covers = []
    assert card_key(card_values(service)) != base


def test_the_card_is_drawn_from_the_keyed_values_only():
    """A card rebuilt from its key's values is the card of the real service, in full."""
    service = published_service()
    service = Service.objects.select_related("owner__expert_profile").get(pk=service.pk)
    service.covers = list(service.images.filter(is_cover=True))
    ((_, html),) = service_cards([service])
    assert html == render_card(card_values(service))
    for shown in (
        service.get_absolute_url(),
        service.title,
        service.owner.expert_profile.display_name,
        service.covers[0].card_url,
        "۱۲۰٬۰۰۰ تومان",
    ):
        assert str(shown) in html


def test_cards_follow_the_language():
    service = published_service()
    service = Service.objects.select_related("owner__expert_profile").get(pk=service.pk)
    ((_, persian),) = service_cards([service])
    with translation.override("en"):
        ((_, english),) = service_cards([service])
    assert "شروع از" in persian
    assert "Starting at" in english and "شروع از" not in english
