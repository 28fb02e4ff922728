"""The compare list and page: four at most, unavailable services dropped, fresh prices, survives login."""

import pytest
from django.urls import reverse

from search.compare import SESSION_KEY
from search.models import ExpertStats
from services.models import Package, Service
from tests.accounts.factories import PASSWORD, UserFactory

from .factories import make_service

pytestmark = pytest.mark.django_db


def toggle(client, service, **extra):
    return client.post(reverse("search:compare_toggle", args=[service.pk]), {"next": "/search/", **extra})


def ids(client) -> list[int]:
    return [i["id"] for i in client.session.get(SESSION_KEY, [])]


def test_add_remove_and_a_fifth_is_refused_in_persian(client):
    services = [make_service(f"خدمت {i}") for i in range(5)]
    for s in services[:4]:
        assert toggle(client, s, action="add").status_code == 302
    assert ids(client) == [s.pk for s in services[:4]]
    response = client.post(reverse("search:compare_toggle", args=[services[4].pk]), {"action": "add"},
                           headers={"HX-Request": "true"})
    assert "حداکثر چهار خدمت" in response.content.decode()
    assert ids(client) == [s.pk for s in services[:4]]
    toggle(client, services[0], action="remove")
    assert ids(client) == [s.pk for s in services[1:4]]


def test_htmx_toggle_redraws_the_button_and_the_bar(client):
    service = make_service("طراحی لوگو")
    html = client.post(reverse("search:compare_toggle", args=[service.pk]), {"action": "add"},
                       headers={"HX-Request": "true"}).content.decode()
    assert 'aria-pressed="true"' in html and 'id="az-compare-bar" hx-swap-oob="true"' in html
    assert "مقایسه (۱ از ۴)" in html


def test_unpublished_service_cannot_be_added_and_is_dropped_from_the_page(client):
    draft = make_service("پیش‌نویس", status=Service.Status.DRAFT)
    toggle(client, draft, action="add")
    assert ids(client) == []
    kept, gone = make_service("می‌ماند"), make_service("متوقف می‌شود")
    toggle(client, kept, action="add")
    toggle(client, gone, action="add")
    Service.objects.filter(pk=gone.pk).update(status=Service.Status.PAUSED)
    response = client.get(reverse("search:compare"))
    html = response.content.decode()
    assert "دیگر ارائه نمی‌شود" in html and "متوقف می‌شود" not in html
    assert ids(client) == [kept.pk]


def test_deleted_row_is_dropped_too(client):
    service = make_service("حذف می‌شود")
    toggle(client, service, action="add")
    Service.objects.filter(pk=service.pk).update(status=Service.Status.DELETED)
    assert "دیگر ارائه نمی‌شود" in client.get(reverse("search:compare")).content.decode()


def test_compare_page_shows_fresh_prices_and_marks_the_best(client, django_assert_max_num_queries):
    a = make_service("الف", price_toman=100_000, tiers=3, rating="4.9", reviews=300)
    b = make_service("ب", price_toman=200_000, tiers=2, rating="5", reviews=1)
    make_service("ج", rating="3", reviews=200)  # the site-wide mean is about 4.1
    ExpertStats.objects.create(expert=a.owner, response_seconds=7200, on_time_rate=97)
    for s in (a, b):
        toggle(client, s, action="add")
    client.get(reverse("search:compare"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("search:compare"))
    html = response.content.decode()
    assert "۱۰۰٬۰۰۰ تومان" in html and "۲ ساعت" in html and "۹۷٪" in html
    assert response["Cache-Control"].startswith("max-age=0")
    Package.objects.filter(service=a, tier="basic").update(price=3_000_000)
    assert "۳۰۰٬۰۰۰ تومان" in client.get(reverse("search:compare")).content.decode()
    rows = {r["label"]: r for r in response.context["rows"]}
    assert [c["best"] for c in rows["امتیاز"]["cells"]] == [True, False]  # Bayesian: 300×4.9 beats 1×5


def test_compare_list_survives_login(client):
    service = make_service("طراحی لوگو")
    toggle(client, service, action="add")
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert ids(client) == [service.pk]


def test_bad_toggle_requests(client):
    assert client.post(reverse("search:compare_toggle", args=[999999]), {"action": "add"}).status_code == 302
    assert client.get(reverse("search:compare_toggle", args=[1])).status_code == 405
    response = client.post(reverse("search:compare_toggle", args=[999999]), {"next": "https://evil.example/"})
    assert response["Location"].startswith("/")
