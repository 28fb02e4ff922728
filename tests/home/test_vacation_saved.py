"""Vacation mode closes ordering (button and checkout) and ends by itself; saved services are per user
and never leak into cached pages."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from home import vacation
from home.models import Profile, SavedService
from tests.accounts.factories import UserFactory
from tests.services.factories import published_service

pytestmark = pytest.mark.django_db


def jalali(day: dt.date) -> str:
    import jdatetime

    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")


def test_vacation_hides_the_order_button_refuses_checkout_and_ends_by_itself(client):
    service = published_service()
    url = service.get_absolute_url()
    assert 'data-testid="order"' in Client().get(url).content.decode()  # now cached for visitors
    client.force_login(service.owner)
    today = timezone.localdate()
    response = client.post(reverse("home:vacation"), {
        "vacation_start": jalali(today), "vacation_end": jalali(today + dt.timedelta(days=5)),
        "vacation_message": "از سفر که برگشتم پاسخ می‌دهم."})
    assert response.status_code == 302
    html = Client().get(url).content.decode()  # the cached page was dropped
    assert 'data-testid="order"' not in html and 'data-testid="vacation-note"' in html
    assert "در مرخصی" in html and "از سفر که برگشتم" in html
    buyer = UserFactory()
    client.force_login(buyer)
    package = service.packages.first()
    response = client.post(reverse("orders:checkout", args=[package.pk]))
    assert response.status_code == 302 and not service.orders.exists()
    # A vacation that ended yesterday is over without anyone touching it.
    Profile.objects.filter(user=service.owner).update(vacation_start=today - dt.timedelta(days=9),
                                                      vacation_end=today - dt.timedelta(days=1))
    assert not vacation.is_on_vacation(service.owner_id)
    assert 'data-testid="order"' in client.get(url).content.decode()


@pytest.mark.parametrize(("start", "end", "message"), [
    (-3, -1, "روز آخر گذشته است"),
    (5, 2, "روز آخر باید همان روز نخست یا پس از آن باشد"),
    (-2, 3, "روز نخست گذشته است"),
])
def test_bad_vacation_dates_are_refused_in_persian_keeping_the_message(client, start, end, message):
    service = published_service()
    client.force_login(service.owner)
    today = timezone.localdate()
    response = client.post(reverse("home:vacation"), {
        "vacation_start": jalali(today + dt.timedelta(days=start)),
        "vacation_end": jalali(today + dt.timedelta(days=end)), "vacation_message": "پیام من"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'value="پیام من"' in html
    assert not vacation.is_on_vacation(service.owner_id)


def test_vacation_ranges_helper_for_response_time():
    service = published_service()
    today = timezone.localdate()
    vacation.vacation_set(user=service.owner, start=today, end=today + dt.timedelta(days=2), message="")
    assert vacation.vacation_ranges([service.owner_id]) == {service.owner_id: (today, today + dt.timedelta(days=2))}
    assert vacation.was_on_vacation(service.owner_id, timezone.now())
    assert not vacation.was_on_vacation(service.owner_id, timezone.now() - dt.timedelta(days=3))


def test_save_with_htmx_list_and_the_heart_never_leaks_into_cached_html(client):
    service = published_service()
    other = published_service(category=service.category)
    alice = UserFactory()
    client.force_login(alice)
    response = client.post(reverse("home:saved_toggle", args=[service.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    assert SavedService.objects.filter(user=alice, service=service).exists()
    html = client.get(reverse("home:saved")).content.decode()
    assert service.title in html and other.title not in html
    # Alice's page shows her heart filled; an anonymous visitor's cached page has no heart at all, and
    # Bob (signed in) sees his own empty heart.
    page = service.get_absolute_url()
    assert 'aria-pressed="true"' in client.get(page).content.decode()
    anon = Client().get(page).content.decode()
    assert 'data-testid="save-toggle"' not in anon
    assert 'data-testid="save-toggle"' not in Client().get(reverse("home")).content.decode()
    bob = Client()
    bob.force_login(UserFactory())
    bob_html = bob.get(page).content.decode()
    assert 'data-testid="save-toggle"' in bob_html and 'aria-pressed="true"' not in bob_html.split("save-toggle")[0][-400:]
    # Toggling again removes it.
    client.post(reverse("home:saved_toggle", args=[service.pk]), HTTP_HX_REQUEST="true")
    assert not SavedService.objects.filter(user=alice).exists()


def test_the_expert_sees_how_many_saved_their_own_service(client):
    service = published_service()
    for _ in range(3):
        SavedService.objects.create(user=UserFactory(), service=service)
    client.force_login(service.owner)
    html = client.get(reverse("accounts:expert_public", args=[service.owner_id])).content.decode()
    assert 'data-testid="saved-count"' in html and "۳" in html.split('data-testid="saved-count"')[1][:300]


def test_saving_requires_sign_in_and_a_published_service(client):
    service = published_service()
    response = client.post(reverse("home:saved_toggle", args=[service.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    draft = published_service()
    draft.status = "draft"
    draft.save()
    assert client.post(reverse("home:saved_toggle", args=[draft.pk])).status_code == 404


def test_the_expert_sees_saves_on_their_services_dashboard(client):
    service = published_service()
    SavedService.objects.create(user=UserFactory(), service=service)
    SavedService.objects.create(user=UserFactory(), service=service)
    client.force_login(service.owner)
    html = client.get(reverse("services:dashboard")).content.decode()
    assert "۲" in html.split('data-testid="saved-count"')[1][:300]


@pytest.mark.parametrize("count", [1, 10])
def test_saved_list_and_public_profile_queries_do_not_grow(client, django_assert_max_num_queries, settings, count):
    from home.models import PortfolioItem

    from .helpers import image_upload

    settings.PAGE_CACHE = False
    user = UserFactory()
    first = published_service()
    for i in range(count):
        service = first if i == 0 else published_service(owner=first.owner)
        SavedService.objects.create(user=user, service=service)
        PortfolioItem.objects.create(owner=first.owner, title=f"کار {i}", image=image_upload())
    client.force_login(user)
    with django_assert_max_num_queries(7):
        html = client.get(reverse("home:saved")).content.decode()
    assert html.count('data-testid="service-card"') == count
    with django_assert_max_num_queries(11):
        html = client.get(reverse("accounts:expert_public", args=[first.owner_id])).content.decode()
    assert html.count('href="/experts/') >= count
