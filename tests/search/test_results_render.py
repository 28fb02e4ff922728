"""The results loop: cached cards, per-visitor compare toggles, and what a render costs."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services.templatetags.service_cards import card_key, card_values

from .factories import CategoryFactory, SubCategoryFactory, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE = False


def cards_in(html: str) -> list[str]:
    return re.findall(r'<article class="az-card az-svc-card".*?</article>', html, re.S)


def toggles_in(html: str) -> list[str]:
    return re.findall(r'<form class="az-compare-toggle".*?</form>', html, re.S)


def test_a_highlighted_title_never_leaks_into_a_page_without_highlights(client):
    service = make_service("طراحی لوگو حرفه‌ای")
    searched = client.get(reverse("search"), {"q": "لوگو"}).content.decode()
    (card,) = cards_in(searched)
    assert "<mark>" in card
    (toggle,) = toggles_in(searched)
    assert '<span class="visually-hidden"> طراحی لوگو حرفه‌ای</span>' in toggle  # the plain title
    for url in (reverse("search"), reverse("services:category", args=[service.category.slug]), "/"):
        (card,) = cards_in(client.get(url).content.decode())
        assert "<mark>" not in card and "طراحی لوگو حرفه‌ای" in card
    # ...and the highlighted card is still served to the search, without leaking the other way.
    assert "<mark>" in cards_in(client.get(reverse("search"), {"q": "لوگو"}).content.decode())[0]


def test_titles_are_escaped_in_cards_and_toggles(client):
    make_service("طراحی <b>لوگو</b> & برند", slug="logo-brand")
    for params in ({}, {"q": "طراحی"}):
        html = client.get(reverse("search"), params).content.decode()
        (card,), (toggle,) = cards_in(html), toggles_in(html)
        assert "<b>" not in card and "&lt;b&gt;" in card
        assert "<b>" not in toggle and "&lt;b&gt;" in toggle


def test_compare_toggles_are_per_visitor_while_cards_are_shared():
    first, second = make_service("خدمت اول"), make_service("خدمت دوم")
    alice, bob = Client(), Client()
    alice.post(reverse("search:compare_toggle", args=[first.pk]), {"action": "add"})
    alice_html = alice.get(reverse("search")).content.decode()
    bob_html = bob.get(reverse("search")).content.decode()  # the cards come from alice's render
    assert cards_in(alice_html) == cards_in(bob_html)
    pressed = {
        int(m)
        for m in re.findall(
            r'id="compare-toggle-(\d+)"[^>]*>(?:(?!</form>).)*aria-pressed="true"', alice_html, re.S
        )
    }
    assert pressed == {first.pk}
    assert 'aria-pressed="true"' not in bob_html
    assert second.pk not in pressed
    for html in (alice_html, bob_html):
        for card in cards_in(html):
            assert "csrfmiddlewaretoken" not in card and "compare" not in card.lower()


def test_toggle_carries_the_visitors_token_and_the_page_url():
    make_service("خدمت اول")
    client = Client(enforce_csrf_checks=True)
    html = client.get(reverse("search"), {"q": "خدمت", "sort": "rating"}).content.decode()
    (toggle,) = toggles_in(html)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', toggle).group(1)
    assert token == client.cookies["csrftoken"].value or len(token) == 64
    assert 'name="next" value="/search/?q=%D8%AE%D8%AF%D9%85%D8%AA&amp;sort=rating"' in toggle


def test_cached_cards_save_every_card_and_toggle_template_but_no_query(client):
    top = CategoryFactory(slug="design")
    sub = SubCategoryFactory(parent=top)
    for i in range(30):
        make_service(f"خدمت شماره {i}", category=sub)
    params = {"q": "خدمت"}
    first = client.get(reverse("search"), params)  # warms the count, ids, category tree and rating mean
    cache.delete_many([card_key(card_values(s)) for s in first.context["services"]])
    with CaptureQueriesContext(connection) as cold_queries:
        cold = client.get(reverse("search"), params)
    with CaptureQueriesContext(connection) as warm_queries:
        warm = client.get(reverse("search"), params)
    cold_names, warm_names = [t.name for t in cold.templates], [t.name for t in warm.templates]
    assert cold_names.count("services/_card.html") == 24
    assert warm_names.count("services/_card.html") == 0
    assert "search/_compare_toggle.html" not in cold_names + warm_names  # drawn without a template each
    assert len(warm_names) == len(cold_names) - 24
    assert len(warm_queries.captured_queries) == len(cold_queries.captured_queries) <= 3
    html = warm.content.decode()
    assert len(cards_in(html)) == 24 == len(toggles_in(html))
    assert cards_in(cold.content.decode()) == cards_in(html)
