"""A signed-in buyer's results section comes from a shared fragment cache, keyed correctly."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory

from .factories import make_service

pytestmark = pytest.mark.django_db


def token_in(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def signed_in() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    return client


def test_signed_in_results_are_shared_but_tokens_and_compare_lists_are_not(django_assert_max_num_queries):
    services = [make_service(f"طراحی لوگو شماره {i}") for i in range(3)]
    alice, bob = signed_in(), signed_in()
    url = reverse("search") + "?q=لوگو"
    first = alice.get(url).content.decode()
    with django_assert_max_num_queries(8):  # no search queries: session, user, version and the page chrome
        second = bob.get(url).content.decode()
    assert second.count('data-testid="service-card"') == 3
    alice_tokens, bob_tokens = token_in(first), token_in(second)
    assert alice_tokens and bob_tokens and not alice_tokens & bob_tokens
    assert "__AZ_CSRF_TOKEN_MARKER__" not in second
    # The token bob got in the cached fragment works for him.
    response = bob.post(reverse("search:compare_toggle", args=[services[0].pk]),
                        {"csrfmiddlewaretoken": bob_tokens.pop(), "action": "add", "next": url})
    assert response.status_code == 302
    assert 'aria-pressed="true"' in bob.get(url).content.decode()  # his own compare list
    assert 'aria-pressed="true"' not in alice.get(url).content.decode()


def test_a_signed_in_buyer_sees_a_new_service_at_once():
    make_service("ترجمه مقاله انگلیسی")
    client = signed_in()
    url = reverse("search") + "?q=ترجمه"
    assert client.get(url).content.decode().count('data-testid="service-card"') == 1
    make_service("ترجمه کتاب انگلیسی")
    assert client.get(url).content.decode().count('data-testid="service-card"') == 2
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and fragment.count('data-testid="service-card"') == 2


def test_signed_in_category_pages_and_history_restores_are_whole_pages():
    service = make_service("طراحی لوگو مینیمال")
    url = service.category.get_absolute_url()
    alice, bob = signed_in(), signed_in()
    first = alice.get(url).content.decode()
    second = bob.get(url).content.decode()  # the content part from the cache
    assert "<!--az-content-->" not in second and "__AZ_CSRF_TOKEN_MARKER__" not in second
    assert service.category.name in second and second.count('data-testid="service-card"') == 1
    assert not token_in(first) & token_in(second)
    restored = bob.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}).content.decode()
    assert "<html" in restored and 'data-testid="service-card"' in restored
    fragment = bob.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'data-testid="service-card"' in fragment
