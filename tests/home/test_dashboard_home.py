"""The expert's dashboard and the staff's figures from real rows, in constant queries; page views
counted in Redis without a database write; the home page's figures."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from home import impressions
from home.models import FeaturedService, ServiceDay
from home.selectors import monthly_earnings, trust_figures
from orders import actions as order_actions
from orders.models import Order
from services.models import Service
from tests.accounts.factories import UserFactory
from tests.orders.factories import delivered_order, paid_order
from tests.services.factories import ServiceFactory, published_service

pytestmark = pytest.mark.django_db

# A first view: the user and profile (2), the live figures (1), the kept order and review figures
# computed (2), the past months' earnings (1) and the header's unread totals (2). Later views: 3.
DASHBOARD_QUERIES = 8


def complete(**kwargs) -> Order:
    order = delivered_order(**kwargs)
    return order_actions.order_confirm(order_id=order.pk, actor=order.buyer)


def test_a_completed_order_shows_in_this_months_earnings_and_the_chart(client):
    order = complete()
    expert = order.expert
    earned = monthly_earnings(expert.pk)[-1]["amount"]
    assert earned == order.price - order.price * 10 // 100  # after the 10% commission
    client.force_login(expert)
    html = client.get(reverse("home:dashboard")).content.decode()
    assert f'data-amount="{earned}"' in html
    from azmoodegan.persian import format_toman

    assert format_toman(earned) in html.split('data-testid="stat-month"')[1][:400]


@pytest.mark.parametrize("orders", [1, 4])
def test_dashboard_queries_do_not_grow_with_orders(client, django_assert_max_num_queries, orders):
    first = complete()
    expert, service = first.expert, first.service
    for _ in range(orders - 1):
        o = delivered_order(service=ServiceFactory(owner=expert, status=Service.Status.PUBLISHED))
        order_actions.order_confirm(order_id=o.pk, actor=o.buyer)
    paid_order(service=ServiceFactory(owner=expert, status=Service.Status.PUBLISHED))
    assert service.pk
    client.force_login(expert)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        html = client.get(reverse("home:dashboard")).content.decode()
    assert html.count("data-amount=") == 12


def test_someone_without_an_expert_profile_has_no_dashboard(client):
    client.force_login(UserFactory())
    assert client.get(reverse("home:dashboard")).status_code == 302
    assert client.get(reverse("home:staff_dashboard")).status_code == 302  # staff only


def test_page_views_cost_no_database_write_and_reach_the_dashboard_after_the_flush(client):
    service = published_service()
    anon = Client()
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            assert anon.get(service.get_absolute_url()).status_code == 200
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert impressions.pending_counts([service.pk]) == {service.pk: 3}
    anon.get(reverse("services:order_start", args=[service.packages.first().pk]))
    assert impressions.flush() == 2
    day = ServiceDay.objects.get(service=service)
    assert (day.views, day.order_clicks, day.owner_id) == (3, 1, service.owner_id)
    anon.get(service.get_absolute_url())
    impressions.flush()
    assert ServiceDay.objects.get(service=service).views == 4
    client.force_login(service.owner)
    html = client.get(reverse("home:dashboard")).content.decode()
    assert "۴" in html.split('data-testid="stat-views"')[1][:200]


def test_staff_dashboard_figures(client):
    order = complete()
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    html = client.get(reverse("home:staff_dashboard")).content.decode()
    from azmoodegan.persian import format_toman

    assert format_toman(order.total) in html.split('data-testid="gmv"')[1][:200]
    assert 'data-testid="orders-chart"' in html


def test_home_page_trust_figures_featured_first_and_categories_with_counts(client):
    done = complete()
    held = paid_order()
    services = [published_service() for _ in range(3)]
    FeaturedService.objects.create(service=services[0], position=1)
    figures = trust_figures()
    assert figures["completed"] == 1
    assert figures["held"] == held.total
    assert figures["experts"] >= 2
    html = client.get(reverse("home")).content.decode()
    cards = html.split('data-testid="home-services"')[1]
    assert cards.index(services[0].title) < cards.index(services[2].title)  # staff pick first
    assert 'data-testid="category-count"' in html
    assert "بهره‌مند شوید" not in html
    assert done.pk


@pytest.mark.parametrize("count", [2, 12])
def test_home_page_queries_constant(client, django_assert_max_num_queries, settings, count):
    settings.PAGE_CACHE = False
    for _ in range(count):
        published_service()
    with django_assert_max_num_queries(6):
        html = client.get(reverse("home")).content.decode()
    assert html.count('data-testid="service-card"') == min(count, 8)


def test_orders_by_state_links_to_the_filtered_list_with_faces(client):
    done = complete()
    expert = done.expert
    other = paid_order(service=ServiceFactory(owner=expert, status=Service.Status.PUBLISHED))
    from home.photos import set_photo

    from .helpers import image_upload

    set_photo(user=done.buyer, upload=image_upload())
    client.force_login(expert)
    html = client.get(reverse("orders:received") + "?status=completed").content.decode()
    assert f"/orders/{done.pk}/" in html and f"/orders/{other.pk}/" not in html
    assert "/media/photos/" in html  # the buyer's face beside their name


def test_dashboard_labels_follow_each_requests_language_and_names_are_escaped(client, settings):
    """The page's labels and links are made once per language: a Persian and an English visit in turn
    each get their own, with the expert's own name (escaped) and figures."""
    from accounts.models import ExpertProfile

    expert = complete().expert
    ExpertProfile.objects.filter(user=expert).update(display_name="<b>Sara & Co</b>")
    client.force_login(expert)
    seen = {}
    for lang in ("fa", "en", "fa", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        html = client.get(reverse("home:dashboard")).content.decode()
        assert ("Orders by state" in html) == (lang == "en")
        assert ("سفارش‌ها بر پایهٔ وضعیت" in html) == (lang == "fa")
        assert "&lt;b&gt;Sara &amp; Co&lt;/b&gt;" in html and "<b>Sara" not in html
        main = html.split('data-testid="stat-month"')[1].split("</main>")[0]
        assert seen.setdefault(lang, main) == main
