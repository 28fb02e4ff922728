"""Staff moderate in the admin through the same actions as the site; rejecting asks for a reason."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail

from services.models import Service
from tests.accounts.factories import UserFactory

from .factories import GalleryImageFactory, PackageFactory, ServiceFactory

pytestmark = pytest.mark.django_db
URL = "/admin/services/service/"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def pending(**kwargs):
    service = ServiceFactory(status=Service.Status.PENDING_REVIEW, **kwargs)
    PackageFactory(service=service)
    GalleryImageFactory(service=service, is_cover=True)
    return service


def test_queue_shows_only_pending_by_default(staff_client):
    waiting = pending(title="خدمت در انتظار بررسی")
    ServiceFactory(title="پیش‌نویسی که در صف نیست")
    body = staff_client.get(URL).content.decode()
    assert waiting.title in body
    assert "پیش‌نویسی که در صف نیست" not in body
    assert "پیش‌نویسی که در صف نیست" in staff_client.get(URL + "?status=all").content.decode()
    assert staff_client.get(f"{URL}{waiting.pk}/change/").status_code == 200


def test_approve_action(staff_client, django_capture_on_commit_callbacks):
    service = pending()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(URL, {"action": "approve_services", ACTION_CHECKBOX_NAME: [service.pk]})
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED
    assert len(mail.outbox) == 1


def test_reject_asks_for_a_reason_then_rejects(staff_client, django_capture_on_commit_callbacks):
    service = pending()
    response = staff_client.post(URL, {"action": "reject_services", ACTION_CHECKBOX_NAME: [service.pk]})
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    service.refresh_from_db()
    assert service.status == Service.Status.PENDING_REVIEW
    # An empty reason shows the form again.
    response = staff_client.post(URL, {"action": "reject_services", ACTION_CHECKBOX_NAME: [service.pk], "apply": "1",
                                       "reason": ""})
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(URL, {"action": "reject_services", ACTION_CHECKBOX_NAME: [service.pk], "apply": "1",
                                "reason": "لطفاً توضیحات بسته‌ها را کامل‌تر بنویسید."})
    service.refresh_from_db()
    assert service.status == Service.Status.REJECTED
    assert service.rejection_reason == "لطفاً توضیحات بسته‌ها را کامل‌تر بنویسید."
    assert "کامل‌تر" in mail.outbox[0].body


def test_non_staff_cannot_open_admin(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 302
