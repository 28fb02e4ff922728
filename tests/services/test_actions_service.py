import pytest
from django.utils.encoding import uri_to_iri

from services import actions
from services.actions import PackageData, QuestionData
from services.exceptions import ServiceError, ServicePermissionError
from services.models import RequirementQuestion, Service
from tests.accounts.factories import UserFactory

from .factories import CategoryFactory, ServiceFactory, SubCategoryFactory, expert_user, upload

pytestmark = pytest.mark.django_db

DESCRIPTION = "قرارداد اجاره شما را بند به بند می‌خوانم و بندهای مبهم یا ناعادلانه را با پیشنهاد اصلاح مشخص می‌کنم."


def test_create_makes_persian_slug_and_draft():
    owner = expert_user()
    service = actions.service_create(actor=owner, category=SubCategoryFactory(), title="  بررسی   قرارداد اجاره ",
                                     description=DESCRIPTION, tags=["قرارداد", " قرارداد ", "#اجاره"])
    assert service.status == Service.Status.DRAFT
    assert service.title == "بررسی قرارداد اجاره"
    assert service.slug == "بررسی-قرارداد-اجاره"
    assert service.tags == ["قرارداد", "اجاره"]
    assert uri_to_iri(service.get_absolute_url()) == f"/services/{service.pk}/بررسی-قرارداد-اجاره/"


def test_only_experts_create():
    with pytest.raises(ServicePermissionError):
        actions.service_create(actor=UserFactory(), category=SubCategoryFactory(), title="عنوان خدمت", description=DESCRIPTION)


def test_category_must_be_a_subcategory():
    with pytest.raises(ServiceError) as exc:
        actions.service_create(actor=expert_user(), category=CategoryFactory(), title="عنوان خدمت", description=DESCRIPTION)
    assert exc.value.field == "category"


def test_update_only_by_owner():
    service = ServiceFactory()
    with pytest.raises(ServicePermissionError):
        actions.service_update(service_id=service.pk, actor=expert_user(), title="عنوان دیگری برای خدمت")
    actions.service_update(service_id=service.pk, actor=service.owner, title="عنوان دیگری برای خدمت")
    service.refresh_from_db()
    assert service.status == Service.Status.DRAFT
    assert service.slug == "عنوان-دیگری-برای-خدمت"


def test_questions_and_faq():
    service = ServiceFactory()
    actions.requirement_questions_set(service_id=service.pk, actor=service.owner, items=[
        QuestionData(kind="text", text="نشانی ملک؟", choices=[]),
        QuestionData(kind="choice", text="نوع قرارداد؟", choices=["اجاره", "فروش", " "], required=False),
        QuestionData(kind="file", text="", choices=[]),  # empty rows are skipped
    ])
    qs = list(RequirementQuestion.objects.filter(service=service))
    assert [(q.kind, q.required, q.choices) for q in qs] == [("text", True, []), ("choice", False, ["اجاره", "فروش"])]
    with pytest.raises(ServiceError):
        actions.requirement_questions_set(service_id=service.pk, actor=service.owner,
                                          items=[QuestionData(kind="choice", text="یکی؟", choices=["فقط یکی"])])
    actions.faq_set(service_id=service.pk, actor=service.owner, items=[("پرسش؟", "پاسخ."), ("", "")])
    assert service.faqs.count() == 1
    with pytest.raises(ServiceError):
        actions.faq_set(service_id=service.pk, actor=service.owner, items=[("پرسش بی‌پاسخ؟", "")])


def test_service_save_is_all_or_nothing():
    owner = expert_user()
    with pytest.raises(ServiceError):
        actions.service_save(
            actor=owner, service_id=None, category=SubCategoryFactory(), title="خدمتی که نباید ساخته شود",
            description=DESCRIPTION, tags=[], faqs=[], questions=[],
            packages=[PackageData("basic", "پایه", "شامل", 2_000_000, 3, 1),
                      PackageData("standard", "استاندارد", "شامل", 1_000_000, 3, 1)],
            new_images=[upload()],
        )
    assert not Service.objects.exists()
    service = actions.service_save(
        actor=owner, service_id=None, category=SubCategoryFactory(), title="خدمتی که ساخته می‌شود",
        description=DESCRIPTION, tags=["یک"], faqs=[("پرسش؟", "پاسخ.")],
        questions=[QuestionData("text", "چه می‌خواهید؟", [])],
        packages=[PackageData("basic", "پایه", "شامل", 2_000_000, 3, 1)], new_images=[upload()],
    )
    assert (service.min_price, service.images.count(), service.faqs.count()) == (2_000_000, 1, 1)
