"""Becoming an expert and editing the expert profile."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import ExpertProfile, User

from .factories import PASSWORD, ExpertProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "display_name": "دکتر سارا احمدی",
    "headline": "مشاور مالیاتی",
    "bio": "ده سال تجربه در مشاوره مالیاتی.",
    "skills": "مالیات، حسابداری, بیمه",
    "languages": "فارسی، انگلیسی",
    "city": "اصفهان",
    "mobile": "۰۹۱۲ ۳۴۵ ۶۷۸۹",
    "national_code": "۰۴۹۹۳۷۰۸۹۹",
    "sheba": "IR06 2960 0000 0010 0324 2000 01",
}


def png_bytes(size=(64, 64), fmt="PNG", exif=False):
    out = io.BytesIO()
    img = Image.new("RGB", size, (15, 118, 110))
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCamera"
        img.save(out, format=fmt, exif=info)
    else:
        img.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def buyer(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_anonymous_is_sent_to_login_and_back(client):
    url = reverse("accounts:become_expert")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_become_expert_stores_normalised_identifiers(client, buyer):
    avatar = SimpleUploadedFile("me.jpg", png_bytes(fmt="JPEG", exif=True), content_type="image/jpeg")
    response = client.post(reverse("accounts:become_expert"), {**VALID, "avatar": avatar})
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user=buyer)
    assert profile.mobile == "09123456789"
    assert profile.national_code == "0499370899"
    assert profile.sheba == "IR062960000000100324200001"
    assert profile.skills == ["مالیات", "حسابداری", "بیمه"]
    assert profile.languages == ["فارسی", "انگلیسی"]
    with Image.open(profile.avatar) as stored:
        assert stored.format == "JPEG"
        assert 0x010F not in stored.getexif(), "EXIF must be stripped from avatars"


def test_become_expert_twice_goes_to_the_profile(client, buyer):
    ExpertProfileFactory(user=buyer)
    response = client.get(reverse("accounts:become_expert"))
    assert response["Location"] == reverse("accounts:expert_profile_edit")


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("national_code", "0499370898", "کد ملی معتبر نیست"),
        ("sheba", "IR062960000000100324200002", "شماره شبا معتبر نیست"),
        ("mobile", "0912", "شماره موبایل"),
        ("display_name", "", "این فیلد لازم است"),
    ],
)
def test_bad_input_gets_a_persian_error_beside_the_field_and_keeps_the_rest(client, buyer, field, value, message):
    data = {**VALID, field: value}
    response = client.post(reverse("accounts:become_expert"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in html
    assert "دکتر سارا احمدی" in html or field == "display_name"
    assert "ده سال تجربه در مشاوره مالیاتی." in html
    assert not ExpertProfile.objects.filter(user=buyer).exists()


def test_avatar_that_is_not_an_image_is_refused(client, buyer):
    pdf = SimpleUploadedFile("photo.png", b"%PDF-1.4 fake pdf", content_type="image/png")
    response = client.post(reverse("accounts:become_expert"), {**VALID, "avatar": pdf})
    assert "تصویر نیست" in response.context["form"].errors["avatar"][0]
    assert response.context["form"]["headline"].value() == VALID["headline"]


def test_avatar_too_large_in_pixels_is_refused(client, buyer):
    big = SimpleUploadedFile("big.png", png_bytes(size=(4001, 10)), content_type="image/png")
    response = client.post(reverse("accounts:become_expert"), {**VALID, "avatar": big})
    assert "۴۰۰۰×۴۰۰۰" in response.context["form"].errors["avatar"][0]


def test_avatar_too_large_in_bytes_is_refused(client, buyer):
    heavy = SimpleUploadedFile("heavy.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    response = client.post(reverse("accounts:become_expert"), {**VALID, "avatar": heavy})
    assert "۵ مگابایت" in response.context["form"].errors["avatar"][0]


def test_profile_edit_is_only_for_its_owner(client):
    owner = ExpertProfileFactory()
    other = UserFactory()
    client.force_login(other)
    # The edit page always edits the signed-in user's own profile: another user is sent to "become an expert".
    response = client.post(reverse("accounts:expert_profile_edit"), {**VALID, "display_name": "hijack"})
    assert response["Location"] == reverse("accounts:become_expert")
    owner.refresh_from_db()
    assert owner.display_name != "hijack"


def test_public_profile_shows_the_expert_but_not_private_fields(client):
    profile = ExpertProfileFactory(national_code="0499370899", sheba="IR062960000000100324200001")
    html = client.get(profile.get_absolute_url()).content.decode()
    assert profile.display_name in html
    assert "0499370899" not in html and profile.sheba not in html and profile.mobile not in html
    assert client.get(reverse("accounts:expert_public", args=[profile.user_id + 999])).status_code == 404


def test_signup_with_existing_email_is_refused_in_persian(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("account_signup"),
        {"email": "Taken@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["email"][0]
    assert "ایمیل" in errors
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    assert mail.outbox == []


def test_signup_with_weak_or_mismatched_password_keeps_the_email(client):
    response = client.post(
        reverse("account_signup"), {"email": "new@example.com", "password1": "12345678", "password2": "12345678"}
    )
    html = response.content.decode()
    assert 'value="new@example.com"' in html
    assert response.context["form"].errors["password1"]
    response = client.post(
        reverse("account_signup"), {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD + "x"}
    )
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email="new@example.com").exists()
