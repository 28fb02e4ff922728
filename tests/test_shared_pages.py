"""Pages shared by signed-in visitors (azmoodegan/shared.py): one rendering per URL and catalogue version,
each visitor's own parts filled in per request. Nobody sees another person's name, hearts, compare list,
helpful marks, unread counts, messages or CSRF token; the owner alone sees the owner's controls; a
public change shows at once; the queries do not grow with the page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from home.models import SavedService
from notifications.models import Notification
from reviews import actions as review_actions
from reviews.models import Review
from tests.accounts.factories import UserFactory
from tests.reviews import factories as rf
from tests.search.factories import make_service
from tests.services.factories import SubCategoryFactory, expert_user, published_service

pytestmark = pytest.mark.django_db

HELPFUL_BUTTON = 'data-testid="helpful"'
MARKED = "bi-hand-thumbs-up-fill"


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def visitor(first_name: str, **kwargs):
    user = UserFactory(first_name=first_name, last_name="", **kwargs)
    client = Client()
    client.force_login(user)
    return user, client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<!--az-" not in html and "__AZ_CSRF_TOKEN_MARKER__" not in html
    return html


@pytest.fixture
def reviewed_service():
    service = published_service(packages=1, images=1)
    rf.bulk_reviews(service, 3)
    return service


def test_two_buyers_share_the_service_page_but_never_each_others_parts(reviewed_service, django_assert_max_num_queries):
    url = reviewed_service.get_absolute_url()
    alice, alice_client = visitor("آلیس")
    bob, bob_client = visitor("بهرام")
    SavedService.objects.create(user=alice, service=reviewed_service)
    first = Review.objects.filter(service=reviewed_service).order_by("-published_at", "-pk").first()
    review_actions.mark_helpful(review_id=first.pk, actor=alice)
    alice_client.post(reverse("search:compare_toggle", args=[reviewed_service.pk]), {"action": "add"})
    Notification.objects.create(recipient=alice, kind="order_paid")

    alice_page = page(alice_client, url)  # renders the shared page
    with django_assert_max_num_queries(6):  # user, version, heart, helpful marks, unread totals on a cold cache
        bob_page = page(bob_client, url)  # served from it

    assert "آلیس" in alice_page and "آلیس" not in bob_page and "بهرام" in bob_page
    assert 'az-heart is-saved' in alice_page and 'az-heart is-saved' not in bob_page
    assert 'data-testid="compare-toggle"' in bob_page
    assert alice_page.count('aria-pressed="true" data-testid="compare-toggle"') == 1
    assert 'aria-pressed="true" data-testid="compare-toggle"' not in bob_page
    assert alice_page.count(HELPFUL_BUTTON) == 2 and alice_page.count(MARKED) == 1
    assert bob_page.count(HELPFUL_BUTTON) == 3 and MARKED not in bob_page
    assert 'data-testid="bell-unread"' in alice_page and 'data-testid="bell-unread"' not in bob_page
    assert 'data-testid="compare-bar"' in bob_page and "compare-open" in alice_page and "compare-open" not in bob_page
    alice_tokens, bob_tokens = tokens(alice_page), tokens(bob_page)
    assert alice_tokens and bob_tokens and not alice_tokens & bob_tokens
    # Bob's token from the shared page works for him: his heart is saved, and his page says so, alice's is unchanged.
    response = bob_client.post(reverse("home:saved_toggle", args=[reviewed_service.pk]),
                               {"csrfmiddlewaretoken": bob_tokens.pop(), "next": url})
    assert response.status_code == 302
    assert SavedService.objects.filter(user=bob, service=reviewed_service).exists()
    bob_again = page(bob_client, url)
    assert 'az-heart is-saved' in bob_again and "Saved." not in bob_again
    assert 'az-heart is-saved' in page(alice_client, url)


def test_the_owner_sees_the_owners_controls_and_nobody_else_ever_does(reviewed_service):
    url = reviewed_service.get_absolute_url()
    owner_client = Client()
    owner_client.force_login(reviewed_service.owner)
    _, bob_client = visitor("بهرام")
    _, carol_client = visitor("کیمیا")
    assert "reply-link" not in page(bob_client, url)  # cached now
    assert page(owner_client, url).count("reply-link") == 3
    assert "reply-link" not in page(carol_client, url)
    staff, staff_client = visitor("مدیر", is_staff=True)
    staff_page = page(staff_client, url)
    assert "reply-link" not in staff_page and reverse("admin:index") in staff_page  # staff's own menu
    assert reverse("admin:index") not in page(carol_client, url)


def test_the_owner_first_on_a_cold_cache_leaves_nothing_of_theirs_for_others(reviewed_service):
    url = reviewed_service.get_absolute_url()
    owner_client = Client()
    owner_client.force_login(reviewed_service.owner)
    assert page(owner_client, url).count("reply-link") == 3
    _, bob_client = visitor("بهرام")
    bob_page = page(bob_client, url)
    assert "reply-link" not in bob_page and 'data-testid="saved-count"' not in bob_page


def test_reviews_published_hidden_and_replied_show_at_once(reviewed_service):
    url = reviewed_service.get_absolute_url()
    _, bob_client = visitor("بهرام")
    assert page(bob_client, url).count('data-testid="review"') == 3
    staff = UserFactory(is_staff=True)
    hidden = Review.objects.filter(service=reviewed_service).order_by("pk").first()
    review_actions.review_hide(review_id=hidden.pk, actor=staff, reason="توهین")
    html = page(bob_client, url)
    assert html.count('data-testid="review"') == 2 and f'id="review-{hidden.pk}"' not in html
    shown = Review.objects.filter(service=reviewed_service, hidden_at__isnull=True).first()
    review_actions.reply_create(review_id=shown.pk, actor=reviewed_service.owner, text="سپاس از اعتماد شما")
    assert "سپاس از اعتماد شما" in page(bob_client, url)
    order = rf.completed_order(package=reviewed_service.packages.first())
    rf.buyer_review(order, 4, text="کار دقیق و سریع")
    rf.expert_review(order)  # both sides wrote: published
    html = page(bob_client, url)
    assert "کار دقیق و سریع" in html and html.count('data-testid="review"') == 3


def test_a_pending_message_is_shown_to_its_visitor_only(reviewed_service):
    url = reviewed_service.get_absolute_url()
    _, alice_client = visitor("آلیس")
    _, bob_client = visitor("بهرام")
    page(bob_client, url)
    alice_client.post(reverse("home:saved_toggle", args=[reviewed_service.pk]), {"next": url})
    assert "alert-success" in page(alice_client, url)  # «ذخیره شد», rendered for her alone
    assert "alert-success" not in page(bob_client, url)
    assert "alert-success" not in page(alice_client, url)  # shown once


def test_home_page_calls_experts_to_their_dashboard_and_buyers_to_become_experts():
    for _ in range(3):
        published_service()
    _, buyer_client = visitor("بهرام")
    expert_client = Client()
    expert_client.force_login(expert_user())
    buyer_page = page(buyer_client, "/")
    expert_page = page(expert_client, "/")
    dashboard, become = reverse("home:dashboard"), reverse("accounts:become_expert")
    assert f'href="{dashboard}"' in expert_page and f'href="{become}"' not in expert_page
    assert f'href="{become}"' in buyer_page and f'href="{dashboard}"' not in buyer_page


def test_a_new_service_shows_at_once_on_every_shared_page():
    sub = SubCategoryFactory()
    make_service("طراحی لوگو مینیمال", category=sub)
    _, client = visitor("بهرام")
    urls = ["/", reverse("search") + "?q=لوگو", reverse("services:category", args=[sub.slug])]
    before = [page(client, url).count('data-testid="service-card"') for url in urls]
    make_service("طراحی لوگو فروشگاهی", category=sub)
    after = [page(client, url).count('data-testid="service-card"') for url in urls]
    assert after == [n + 1 for n in before]


@pytest.mark.parametrize("count", [1, 12])
def test_shared_pages_cost_the_same_few_queries_whatever_their_size(count, django_assert_max_num_queries):
    sub = SubCategoryFactory()
    services = [make_service(f"طراحی لوگو شماره {i}", category=sub) for i in range(count)]
    reviewed = published_service(packages=3, images=3)
    rf.bulk_reviews(reviewed, count)
    urls = ["/", reverse("search") + "?q=لوگو", reverse("services:category", args=[sub.slug]),
            reviewed.get_absolute_url(), services[0].get_absolute_url()]
    _, first = visitor("آلیس")
    user, client = visitor("بهرام")
    for url in urls:
        page(first, url)
    page(client, "/")  # the unread totals are in Redis from here on
    for url in urls:
        SavedService.objects.get_or_create(user=user, service=services[0])
        with django_assert_max_num_queries(4):  # user, catalogue version, hearts, helpful marks
            page(client, url)
