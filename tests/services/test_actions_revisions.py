"""Editing a published service: buyers keep the approved version until staff approve the edit."""

import pytest
from django.core.files.storage import default_storage

from services import actions
from services.actions import PackageData, QuestionData
from services.exceptions import ServicePermissionError
from services.models import GalleryImage, Package, Service
from tests.accounts.factories import UserFactory

from .factories import expert_user, published_service, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def edit(service, *, title="عنوان تازه‌ی خدمت منتشرشده", price=1_500_000, new_images=(), remove=(), cover=None,
         standard=False):
    packages = [PackageData("basic", "پایه‌ی تازه", "شامل بیشتر", price, 4, 2)]
    if standard:
        packages.append(PackageData("standard", "استاندارد", "کامل", price * 2, 6, None))
    return actions.service_save(
        actor=service.owner, service_id=service.pk, category=service.category, title=title,
        description=service.description, tags=["تازه"], packages=packages, faqs=[("پرسش تازه؟", "پاسخ تازه.")],
        questions=[QuestionData("text", "نشانی؟", [])], new_images=list(new_images), remove_image_ids=list(remove),
        cover_image_id=cover,
    )


def test_edit_goes_to_a_revision_and_live_stays(client):
    service = published_service(packages=1, images=1)
    old_title = service.title
    revision = edit(service)
    assert revision.revision_of_id == service.pk
    assert revision.status == Service.Status.DRAFT
    service.refresh_from_db()
    assert (service.title, service.status, service.min_price) == (old_title, Service.Status.PUBLISHED, 1_200_000)
    assert old_title in client.get(service.get_absolute_url()).content.decode()
    assert client.get(revision.get_absolute_url()).status_code == 404  # never public
    # A second save edits the same revision.
    assert edit(service, title="عنوانی دیگر برای همان ویرایش").pk == revision.pk
    assert Service.objects.filter(revision_of=service).count() == 1


def test_approved_revision_is_applied_in_place(staff, django_capture_on_commit_callbacks):
    service = published_service(packages=1, images=2)
    basic_id = service.packages.get().pk
    first, second = service.images.order_by("pk")
    kept_file = second.image.name
    revision = edit(service, standard=True, new_images=[upload("new.png")], remove=[first.pk], cover=second.pk)
    actions.service_submit(service_id=revision.pk, actor=service.owner)
    with django_capture_on_commit_callbacks(execute=True):
        live = actions.service_approve(service_id=revision.pk, actor=staff)
    assert live.pk == service.pk
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED
    assert service.title == "عنوان تازه‌ی خدمت منتشرشده"
    assert service.packages.get(tier="basic").pk == basic_id  # orders pointing at it stay valid
    assert (service.min_price, service.min_delivery_days) == (1_500_000, 4)
    assert set(service.packages.values_list("tier", flat=True)) == {"basic", "standard"}
    assert list(service.faqs.values_list("question", flat=True)) == ["پرسش تازه؟"]
    assert service.requirement_questions.get().text == "نشانی؟"
    images = list(service.images.all())
    assert len(images) == 2
    assert [img.image.name for img in images if img.is_cover] == [kept_file]
    assert default_storage.exists(kept_file)  # shared with the revision; still used
    assert not Service.objects.filter(revision_of=service).exists()
    assert not GalleryImage.objects.filter(service_id=revision.pk).exists()


def test_rejected_revision_keeps_live_and_shows_reason(staff):
    service = published_service()
    revision = edit(service)
    actions.service_submit(service_id=revision.pk, actor=service.owner)
    actions.service_reject(service_id=revision.pk, actor=staff, reason="عنوان تازه گویا نیست.")
    revision.refresh_from_db()
    service.refresh_from_db()
    assert revision.status == Service.Status.REJECTED
    assert service.status == Service.Status.PUBLISHED
    assert service.rejection_reason == ""


def test_discard_and_delete(staff):
    service = published_service()
    cover_file = service.images.get().image.name
    edit(service)
    revision = Service.objects.get(revision_of=service)
    with pytest.raises(ServicePermissionError):
        actions.service_delete(service_id=revision.pk, actor=expert_user())
    actions.service_delete(service_id=revision.pk, actor=service.owner)
    assert not Service.objects.filter(pk=revision.pk).exists()
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED
    assert service.images.get().image.name == cover_file
    edit(service)
    actions.service_delete(service_id=service.pk, actor=service.owner)
    assert not Service.objects.filter(revision_of=service).exists()


def test_only_owner_starts_a_revision():
    service = published_service()
    with pytest.raises(ServicePermissionError):
        actions.service_revision_start(service_id=service.pk, actor=expert_user())
    assert Package.objects.filter(service__revision_of=service).count() == 0
