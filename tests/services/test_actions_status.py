import pytest
from django.core import mail

from services import actions
from services.exceptions import ServiceError, ServicePermissionError, ServiceStateError
from services.models import Service, ServiceEvent
from tests.accounts.factories import UserFactory

from .factories import GalleryImageFactory, PackageFactory, ServiceFactory, expert_user, published_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def ready_service(**kwargs):
    service = ServiceFactory(**kwargs)
    PackageFactory(service=service)
    GalleryImageFactory(service=service, is_cover=True)
    return service


def test_submit_needs_package_and_image():
    service = ServiceFactory()
    with pytest.raises(ServiceStateError) as exc:
        actions.service_submit(service_id=service.pk, actor=service.owner)
    assert exc.value.code == "no_package"
    PackageFactory(service=service)
    with pytest.raises(ServiceStateError) as exc:
        actions.service_submit(service_id=service.pk, actor=service.owner)
    assert exc.value.code == "no_image"


def test_submit_approve_emails_expert(staff, django_capture_on_commit_callbacks):
    service = ready_service()
    actions.service_submit(service_id=service.pk, actor=service.owner)
    with django_capture_on_commit_callbacks(execute=True):
        actions.service_approve(service_id=service.pk, actor=staff)
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED
    assert service.published_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [service.owner.email]
    assert service.title in mail.outbox[0].subject
    assert list(ServiceEvent.objects.filter(service=service).values_list("to_status", flat=True).order_by("pk")) == [
        "pending_review", "published"]


def test_reject_needs_reason_and_is_shown(staff, django_capture_on_commit_callbacks):
    service = ready_service(status=Service.Status.PENDING_REVIEW)
    with pytest.raises(ServiceError) as exc:
        actions.service_reject(service_id=service.pk, actor=staff, reason="  ")
    assert exc.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        actions.service_reject(service_id=service.pk, actor=staff, reason="عکس‌ها کیفیت کافی ندارند.")
    service.refresh_from_db()
    assert service.status == Service.Status.REJECTED
    assert service.rejection_reason == "عکس‌ها کیفیت کافی ندارند."
    assert "عکس‌ها کیفیت کافی ندارند." in mail.outbox[0].body
    # Resubmitting and approving clears the reason.
    actions.service_submit(service_id=service.pk, actor=service.owner)
    actions.service_approve(service_id=service.pk, actor=staff)
    service.refresh_from_db()
    assert service.rejection_reason == ""


def test_only_staff_moderates():
    service = ready_service(status=Service.Status.PENDING_REVIEW)
    with pytest.raises(ServicePermissionError):
        actions.service_approve(service_id=service.pk, actor=service.owner)
    with pytest.raises(ServicePermissionError):
        actions.service_reject(service_id=service.pk, actor=service.owner, reason="x")


def test_cannot_approve_a_draft(staff):
    service = ready_service()
    with pytest.raises(ServiceStateError):
        actions.service_approve(service_id=service.pk, actor=staff)


def test_pause_resume_delete():
    service = published_service()
    actions.service_pause(service_id=service.pk, actor=service.owner)
    service.refresh_from_db()
    assert service.status == Service.Status.PAUSED
    with pytest.raises(ServiceStateError):
        actions.service_pause(service_id=service.pk, actor=service.owner)
    actions.service_resume(service_id=service.pk, actor=service.owner)
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED
    with pytest.raises(ServicePermissionError):
        actions.service_delete(service_id=service.pk, actor=expert_user())
    actions.service_delete(service_id=service.pk, actor=service.owner)
    service.refresh_from_db()
    assert service.status == Service.Status.DELETED
    assert Service.objects.filter(pk=service.pk).exists()  # soft
    with pytest.raises(ServiceStateError):
        actions.service_update(service_id=service.pk, actor=service.owner, title="عنوان تازه برای خدمت")


def test_other_user_cannot_pause_or_submit():
    service = published_service()
    other = expert_user()
    with pytest.raises(ServicePermissionError):
        actions.service_pause(service_id=service.pk, actor=other)
    with pytest.raises(ServicePermissionError):
        actions.service_submit(service_id=service.pk, actor=other)
