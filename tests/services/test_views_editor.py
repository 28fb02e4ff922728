"""The editor page: Persian digits, errors beside fields, nothing typed or uploaded is lost."""


import pytest
from django.urls import reverse

from services.models import GalleryImage, Service

from .factories import SubCategoryFactory, decompression_bomb, expert_user, upload

pytestmark = pytest.mark.django_db

DESCRIPTION = "قرارداد اجاره‌ی شما را بند به بند می‌خوانم و بندهای مبهم را با پیشنهاد اصلاح و توضیح ساده مشخص می‌کنم."


def form_data(category, **overrides):
    data = {
        "title": "بررسی قرارداد اجاره با توضیح ساده", "category": category.pk, "description": DESCRIPTION,
        "tags": "قرارداد، اجاره", "basic-enabled": "on", "basic-title": "بررسی ساده",
        "basic-description": "یک قرارداد تا ده صفحه", "basic-price": "۱۲۰٬۰۰۰", "basic-delivery_days": "۳",
        "basic-revisions": "1", "standard-title": "", "standard-description": "", "standard-price": "",
        "standard-delivery_days": "", "standard-revisions": "2", "premium-revisions": "unlimited",
        "faq-TOTAL_FORMS": "2", "faq-INITIAL_FORMS": "0", "faq-0-question": "چقدر طول می‌کشد؟",
        "faq-0-answer": "سه روز کاری.", "q-TOTAL_FORMS": "2", "q-INITIAL_FORMS": "0",
        "q-0-text": "قرارداد را پیوست کنید.", "q-0-kind": "file", "q-0-required": "on", "q-1-kind": "text",
        "then": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def expert(client):
    user = expert_user()
    client.force_login(user)
    return user


def test_create_with_persian_digits(client, expert):
    category = SubCategoryFactory()
    response = client.post(reverse("services:create"), {**form_data(category), "images": [upload()]})
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(owner=expert)
    package = service.packages.get()
    assert (package.price, package.delivery_days, package.revisions) == (1_200_000, 3, 1)
    assert service.min_price == 1_200_000
    assert service.images.get().is_cover
    assert service.requirement_questions.get().kind == "file"
    assert service.faqs.count() == 1
    assert service.tags == ["قرارداد", "اجاره"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("basic-price", "-۵۰۰۰۰", "تومان"),
        ("basic-price", "0", "تومان"),
        ("basic-price", "۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹", "تومان"),
        ("basic-price", "صد هزار", "عدد"),
        ("basic-delivery_days", "۰", "روز"),
    ],
)
def test_bad_package_input_keeps_the_form(client, expert, field, value, expected):
    category = SubCategoryFactory()
    response = client.post(reverse("services:create"), form_data(category, **{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    error = body.split(f'id="id_{field}_error">', 1)[1].split("</div></div>", 1)[0]
    assert expected in error
    assert "بررسی قرارداد اجاره با توضیح ساده" in body  # the title typed is kept
    assert "چقدر طول می‌کشد؟" in body
    assert not Service.objects.exists()


def test_tiers_not_increasing_error_beside_standard_price(client, expert):
    category = SubCategoryFactory()
    data = form_data(category, **{
        "standard-enabled": "on", "standard-title": "کامل", "standard-description": "تا سه قرارداد",
        "standard-price": "100000", "standard-delivery_days": "5",
    })
    body = client.post(reverse("services:create"), data).content.decode()
    assert 'id="id_standard-price_error"' in body
    assert "بیشتر" in body.split('id="id_standard-price_error"', 1)[1][:400]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contract.png", b"%PDF-1.4\n%%EOF"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("bomb.png", None),
    ],
)
def test_bad_image_error_beside_field_keeps_existing_images(client, expert, name, content):
    category = SubCategoryFactory()
    client.post(reverse("services:create"), {**form_data(category), "images": [upload()]})
    service = Service.objects.get(owner=expert)
    url = reverse("services:edit", args=[service.pk])
    bad = upload(name, content=decompression_bomb() if content is None else content)
    body = client.post(url, {**form_data(category, title="عنوانی تازه که نباید ذخیره شود"), "images": [bad]}).content.decode()
    assert 'id="id_images_error"' in body
    error = body.split('id="id_images_error">', 1)[1][:300]
    assert ("JPEG" in error) or ("۴۰۰۰" in error)
    assert "عنوانی تازه که نباید ذخیره شود" in body  # typed text kept
    assert body.count('name="remove_images"') == 1  # the uploaded image is still there
    service.refresh_from_db()
    assert service.title == "بررسی قرارداد اجاره با توضیح ساده"
    assert service.images.count() == 1


def test_seventh_image_error(client, expert):
    category = SubCategoryFactory()
    client.post(reverse("services:create"), {**form_data(category), "images": [upload(f"{i}.png") for i in range(6)]})
    service = Service.objects.get(owner=expert)
    assert service.images.count() == 6
    body = client.post(reverse("services:edit", args=[service.pk]),
                       {**form_data(category), "images": [upload("7.png")]}).content.decode()
    assert "حداکثر ۶ تصویر" in body.split('id="id_images_error">', 1)[1][:300]
    assert GalleryImage.objects.filter(service=service).count() == 6


def test_remove_and_cover_and_submit(client, expert):
    category = SubCategoryFactory()
    client.post(reverse("services:create"), {**form_data(category), "images": [upload("a.png"), upload("b.png")]})
    service = Service.objects.get(owner=expert)
    first, second = service.images.order_by("pk")
    response = client.post(reverse("services:edit", args=[service.pk]), {
        **form_data(category), "remove_images": [first.pk], "cover": second.pk, "then": "submit"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert list(service.images.values_list("pk", "is_cover")) == [(second.pk, True)]
    assert service.status == Service.Status.PENDING_REVIEW


def test_editing_a_published_service_keeps_it_live(client):
    from .factories import published_service

    service = published_service(packages=1, images=1)
    old_title = service.title
    client.force_login(service.owner)
    edit_url = reverse("services:edit", args=[service.pk])
    assert 'data-testid="edit-note"' in client.get(edit_url).content.decode()
    data = form_data(service.category, title="عنوان ویرایش‌شده‌ی خدمت منتشرشده")
    assert client.post(edit_url, {**data, "cover": service.images.get().pk}).status_code == 302
    service.refresh_from_db()
    assert (service.title, service.status) == (old_title, Service.Status.PUBLISHED)
    revision = Service.objects.get(revision_of=service)
    assert revision.images.count() == 1
    body = client.get(reverse("services:dashboard")).content.decode()
    assert 'data-testid="open-edit"' in body
    assert "عنوان ویرایش‌شده" in client.get(reverse("services:preview", args=[service.pk])).content.decode()
    # The edit form now shows the revision's content.
    assert "عنوان ویرایش‌شده" in client.get(edit_url).content.decode()
    # Another expert can neither submit nor discard it.
    client.force_login(expert_user())
    assert client.post(reverse("services:submit", args=[service.pk])).status_code == 404
    assert client.post(reverse("services:discard_edit", args=[service.pk])).status_code == 404
    client.force_login(service.owner)
    client.post(reverse("services:submit", args=[service.pk]))
    revision.refresh_from_db()
    assert revision.status == Service.Status.PENDING_REVIEW
    assert client.get(service.get_absolute_url()).status_code == 200
    client.post(reverse("services:discard_edit", args=[service.pk]))
    assert not Service.objects.filter(revision_of=service).exists()
