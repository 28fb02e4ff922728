"""Photos (square, thumbnail by Celery), portfolio (12 at most, owner only), ID cards (staff only)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import ExpertProfile
from home.models import PortfolioItem, Profile
from tests.accounts.factories import UserFactory
from tests.services.factories import expert_user, published_service

from .helpers import image_upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_photo_is_cropped_square_thumbnailed_and_shown_instead_of_the_letter(client):
    user = expert_user()
    client.force_login(user)
    response = client.post(reverse("home:photo"), {"photo": image_upload(size=(900, 500))})
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    with Image.open(profile.photo.path) as img:
        assert img.size == (512, 512)
    with Image.open(profile.photo_thumb.path) as img:  # made by the Celery task
        assert img.size == (96, 96)
    assert ExpertProfile.objects.get(user=user).avatar.name == profile.photo.name
    service = published_service(owner=user)
    html = client.get(service.get_absolute_url()).content.decode()
    assert profile.photo.url in html  # the expert card and the service card show the face


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("x.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                        content_type="image/png"), "این فایل تصویر نیست"),
    (SimpleUploadedFile("x.jpg", b"<html><body>hi</body></html>", content_type="image/jpeg"), "این فایل تصویر نیست"),
    (None, "۴۰۰۰"),  # 5,000×5,000
])
def test_bad_photos_are_refused_in_persian(client, upload, message):
    user = UserFactory()
    client.force_login(user)
    upload = upload or image_upload(size=(5000, 5000), fmt="PNG")
    response = client.post(reverse("home:photo"), {"photo": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Profile.objects.filter(user=user).exclude(photo="").exists()


def test_portfolio_holds_twelve_and_the_thirteenth_is_refused_keeping_the_typed_title(client):
    user = expert_user()
    service = published_service(owner=user)
    client.force_login(user)
    for i in range(12):
        data = {"title": f"نمونه {i}", "description": "شرح", "image": image_upload()}
        if i == 0:
            data["service"] = service.pk
        assert client.post(reverse("home:portfolio"), data).status_code == 302
    response = client.post(reverse("home:portfolio"), {"title": "سیزدهمی", "image": image_upload()})
    assert response.status_code == 400
    html = response.content.decode()
    assert "حداکثر ۱۲ مورد" in html and 'value="سیزدهمی"' in html
    assert PortfolioItem.objects.filter(owner=user).count() == 12
    public = client.get(reverse("accounts:expert_public", args=[user.pk])).content.decode()
    assert public.count('data-testid="portfolio"') == 1 and "نمونه 0" in public


def test_someone_elses_portfolio_item_is_404(client):
    owner = expert_user()
    item = PortfolioItem.objects.create(owner=owner, title="کار من", image=image_upload())
    client.force_login(expert_user())
    assert client.get(reverse("home:portfolio_edit", args=[item.pk])).status_code == 404
    assert client.post(reverse("home:portfolio_delete", args=[item.pk])).status_code == 404
    assert client.get(reverse("home:portfolio_item", args=[item.owner_id + 1000, item.pk])).status_code == 404
    assert PortfolioItem.objects.filter(pk=item.pk).exists()
    # Its owner may edit it; the service list offers only their own services.
    other_service = published_service()
    client.force_login(owner)
    response = client.post(reverse("home:portfolio_edit", args=[item.pk]), {"title": "تازه", "service": other_service.pk})
    assert response.status_code == 400
    assert PortfolioItem.objects.get(pk=item.pk).service is None


def test_identity_card_is_private_and_staff_verify_it(client, admin_client):
    user = expert_user()
    client.force_login(user)
    response = client.post(reverse("home:identity"), {"national_code": "۰۰۸۴۵۷۵۹۴۸", "id_card": image_upload()})
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.identity == Profile.Identity.PENDING and profile.national_code == "0084575948"
    assert "/media/" not in profile.id_card.url if hasattr(profile.id_card, "url") else True
    assert client.get(reverse("home:id_card", args=[user.pk])).status_code == 302  # not staff: to the admin login
    assert admin_client.get(reverse("home:id_card", args=[user.pk])).status_code == 200
    admin_client.post(reverse("admin:home_profile_changelist"),
                      {"action": "mark_identity_verified", "_selected_action": [user.pk]})
    html = client.get(reverse("accounts:expert_public", args=[user.pk])).content.decode()
    assert "هویت تأییدشده" in html


def test_bad_national_code_keeps_the_typed_value(client):
    client.force_login(UserFactory())
    response = client.post(reverse("home:identity"), {"national_code": "1234567890", "id_card": image_upload()})
    assert response.status_code == 400
    html = response.content.decode()
    assert "کد ملی معتبر نیست" in html or "معتبر نیست" in html
    assert 'value="1234567890"' in html
