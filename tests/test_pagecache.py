"""Public pages are cached for anonymous visitors without ever going stale or sharing a CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from azmoodegan.pagecache import CSRF_MARKER, catalogue_version
from services import actions
from services.models import Package

from .accounts.factories import UserFactory
from .services.factories import published_service

pytestmark = pytest.mark.django_db


def token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_second_anonymous_visit_is_served_from_the_cache(client, django_assert_max_num_queries):
    service = published_service()
    url = service.get_absolute_url()
    first = client.get(url).content.decode()
    with django_assert_max_num_queries(1):  # the catalogue version only
        second = client.get(url).content.decode()
    assert service.title in second
    assert CSRF_MARKER not in first and CSRF_MARKER not in second


def test_a_price_change_is_visible_at_once(client):
    service = published_service()
    client.get(service.get_absolute_url())
    before = catalogue_version()
    # Any write to a catalogue table (here a plain UPDATE, as bulk tools do) raises the version.
    Package.objects.filter(service=service).update(price=987_650_000)
    assert catalogue_version() > before
    html = client.get(service.get_absolute_url()).content.decode()
    assert "۹۸٬۷۶۵٬۰۰۰ تومان" in html


def test_pausing_a_service_removes_it_from_cached_pages(client):
    service = published_service()
    assert client.get(service.get_absolute_url()).status_code == 200
    assert service.title in client.get(reverse("home")).content.decode()
    actions.service_pause(service_id=service.pk, actor=service.owner)
    assert client.get(service.get_absolute_url()).status_code == 404
    assert service.title not in client.get(reverse("home")).content.decode()


def test_each_visitor_gets_a_token_of_their_own_that_works():
    service = published_service()
    url = service.get_absolute_url()
    toggle = reverse("search:compare_toggle", args=[service.pk])
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice_token = token_in(alice.get(url).content.decode())
    bob_token = token_in(bob.get(url).content.decode())  # served from the cache
    # A token from alice's page is worthless on bob's session: the cache shared no secret.
    refused = bob.post(toggle, {"csrfmiddlewaretoken": alice_token, "action": "add", "next": url})
    assert refused.status_code == 403
    assert 'aria-pressed="true"' not in bob.get(url).content.decode()
    # Each visitor's own token is accepted on their own session.
    response = bob.post(toggle, {"csrfmiddlewaretoken": bob_token, "action": "add", "next": url})
    assert response.status_code == 302
    # With something to compare, bob's pages are rendered for him alone.
    assert 'aria-pressed="true"' in bob.get(url).content.decode()
    assert 'aria-pressed="true"' not in alice.get(url).content.decode()
    assert alice.post(toggle, {"csrfmiddlewaretoken": alice_token, "action": "add", "next": url}).status_code == 302
    assert 'aria-pressed="true"' in alice.get(url).content.decode()


def test_signed_in_users_and_pending_messages_are_never_cached(client):
    service = published_service()
    user = UserFactory()
    client.force_login(user)
    assert user.display_name in client.get(service.get_absolute_url()).content.decode()
    # Signing out leaves a one-time message for the next page this visitor sees.
    client.post(reverse("account_logout"))
    html = client.get(reverse("home")).content.decode()
    assert user.display_name not in html
    assert "alert-" in html.split('id="az-messages"')[1].split("</div>")[0]
    other = Client().get(reverse("home")).content.decode()
    assert "alert-" not in other.split('id="az-messages"')[1][:200]
