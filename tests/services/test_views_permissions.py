"""Every catalogue URL with an id, tried by the owner, a second user, staff and an anonymous visitor."""

import pytest
from django.urls import reverse

from services.models import Service
from tests.accounts.factories import UserFactory

from .factories import ServiceFactory, expert_user, published_service

pytestmark = pytest.mark.django_db

HIDDEN = [Service.Status.DRAFT, Service.Status.PENDING_REVIEW, Service.Status.REJECTED, Service.Status.PAUSED,
          Service.Status.DELETED]


@pytest.mark.parametrize("status", HIDDEN)
def test_unpublished_service_page_404_for_others(client, status):
    service = published_service()
    service.status = status
    service.save()
    url = service.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(expert_user())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200
    client.force_login(service.owner)
    assert client.get(url).status_code == 200


def test_published_page_public_and_slug_redirects(client):
    service = published_service()
    assert client.get(service.get_absolute_url()).status_code == 200
    response = client.get(f"/services/{service.pk}/wrong-slug/")
    assert response.status_code == 301
    assert response["Location"] == service.get_absolute_url()
    assert client.get(f"/services/{service.pk}/").status_code == 301


@pytest.mark.parametrize("name", ["edit", "preview"])
def test_owner_pages_404_for_second_user(client, name):
    service = ServiceFactory()
    url = reverse(f"services:{name}", args=[service.pk])
    assert client.get(url).status_code == 302  # to login
    client.force_login(expert_user())
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(service.owner)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "status"),
    [("submit", "draft"), ("pause", "published"), ("resume", "paused"), ("delete", "published")],
)
def test_status_actions_refuse_second_user(client, name, status):
    service = published_service()
    service.status = status
    service.save()
    url = reverse(f"services:{name}", args=[service.pk])
    client.force_login(expert_user())
    assert client.post(url).status_code == 404
    service.refresh_from_db()
    assert service.status == status
    client.force_login(service.owner)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    service.refresh_from_db()
    assert service.status != status


def test_order_start_only_for_published_packages(client):
    service = published_service()
    package = service.packages.first()
    response = client.get(reverse("services:order_start", args=[package.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:checkout", args=[package.pk])
    service.status = Service.Status.DRAFT
    service.save()
    assert client.get(reverse("services:order_start", args=[package.pk])).status_code == 404


def test_dashboard_lists_only_own_services_with_reason(client):
    mine = ServiceFactory(status=Service.Status.REJECTED, rejection_reason="لطفاً عکس بهتری بگذارید.")
    theirs = ServiceFactory(title="خدمت شخص دیگری که نباید دیده شود")
    client.force_login(mine.owner)
    response = client.get(reverse("services:dashboard"))
    body = response.content.decode()
    assert mine.title in body
    assert "لطفاً عکس بهتری بگذارید." in body
    assert theirs.title not in body


def test_non_expert_is_sent_to_become_expert(client):
    client.force_login(UserFactory())
    assert client.get(reverse("services:create"))["Location"] == reverse("accounts:become_expert")
    assert client.get(reverse("services:dashboard"))["Location"] == reverse("accounts:become_expert")


def test_expert_public_profile_lists_only_published(client):
    live = published_service(title="خدمت منتشرشده‌ی این متخصص")
    ServiceFactory(owner=live.owner, title="پیش‌نویس پنهان این متخصص")
    body = client.get(reverse("accounts:expert_public", args=[live.owner_id])).content.decode()
    assert live.title in body
    assert "پیش‌نویس پنهان" not in body
