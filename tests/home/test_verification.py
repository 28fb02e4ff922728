"""Adding a mobile with a texted code, and signing in with a code (real Redis, console SMS backend)."""

import time

import pytest
from django.urls import reverse

from home import verification
from home.models import Profile
from tests.accounts.factories import UserFactory
from tests.services.factories import expert_user

from .helpers import last_code

pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "09121234567"


def send(client, mobile="۰۹۱۲ ۱۲۳ ۴۵۶۷", **extra):
    return client.post(reverse("home:mobile_send"), {"mobile": mobile}, **extra)


def verify(client, code):
    return client.post(reverse("home:mobile_verify"), {"code": code})


def test_add_verify_and_the_badge_shows_on_the_public_profile(client):
    user = expert_user()
    client.force_login(user)
    assert send(client).status_code == 302
    code = last_code(MOBILE)
    assert len(code) == 6
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert verify(client, persian).status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.mobile == MOBILE and profile.mobile_verified
    html = client.get(reverse("accounts:expert_public", args=[user.pk])).content.decode()
    assert "شمارهٔ موبایل تأییدشده" in html
    client.logout()  # anonymous visitors (page cache) see it too
    assert "شمارهٔ موبایل تأییدشده" in client.get(reverse("accounts:expert_public", args=[user.pk])).content.decode()


def test_wrong_code_then_fifth_try_then_sixth_is_refused_even_if_right(client):
    client.force_login(UserFactory())
    send(client)
    code = last_code(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    response = verify(client, wrong)
    assert response.status_code == 400
    html = response.content.decode()
    assert "کد درست نیست" in html and "۴ بار دیگر" in html
    for _ in range(4):
        verify(client, wrong)
    html = verify(client, code).content.decode()  # the 6th try
    assert "تعداد تلاش‌های نادرست بیش از اندازه است" in html
    assert not Profile.objects.filter(mobile_verified_at__isnull=False).exists()


def test_expired_code(client, monkeypatch):
    client.force_login(UserFactory())
    send(client)
    code = last_code(MOBILE)
    later = time.time() + verification.CODE_TTL + 1
    monkeypatch.setattr(verification.time, "time", lambda: later)
    html = verify(client, code).content.decode()
    assert "این کد منقضی شده است" in html


def test_a_code_for_another_number_does_not_verify_this_one(client):
    user = UserFactory()
    client.force_login(user)
    send(client, "09121234567")
    code = last_code("09121234567")
    with pytest.raises(verification.HomeError) as info:
        verification.verify_mobile(user=user, mobile="09351112233", code=code)
    assert info.value.code == "no_code"
    # Another user cannot use the code sent for this user's number either.
    with pytest.raises(verification.HomeError):
        verification.verify_mobile(user=UserFactory(), mobile="09121234567", code=code)


def test_a_mobile_verified_by_another_account_is_refused_and_the_typed_number_stays(client):
    owner = UserFactory()
    Profile.objects.create(user=owner, mobile=MOBILE, mobile_verified_at="2026-01-01T00:00Z")
    client.force_login(UserFactory())
    response = send(client, "0912-123-4567")
    assert response.status_code == 400
    html = response.content.decode()
    assert "پیش‌تر در حساب دیگری تأیید شده است" in html
    assert 'value="0912-123-4567"' in html


def test_resend_waits_sixty_seconds_and_numbers_and_ips_are_rate_limited(client, monkeypatch):
    client.force_login(UserFactory())
    send(client)
    html = send(client).content.decode()
    assert "ثانیهٔ دیگر می‌توانید کد تازه بخواهید" in html
    now = time.time()
    for i in range(1, 6):
        monkeypatch.setattr(verification.time, "time", lambda i=i: now + 61 * i)
        response = send(client)
        if i < verification.PER_NUMBER_PER_HOUR:
            assert response.status_code == 302
    assert "یک ساعت دیگر" in response.content.decode()  # the 6th send to this number within the hour
    # Per IP: other numbers from the same address.
    for i in range(verification.PER_IP_PER_HOUR):
        response = send(client, f"0935000{i:04d}")
    assert "یک ساعت دیگر" in response.content.decode()


def test_bad_number_is_a_persian_error_beside_the_field(client):
    client.force_login(UserFactory())
    response = send(client, "12345")
    assert response.status_code == 400
    assert "۰۹" in response.content.decode() or "09" in response.content.decode()


def test_sign_in_with_a_code_instead_of_a_password(client):
    user = UserFactory()
    Profile.objects.create(user=user, mobile=MOBILE, mobile_verified_at="2026-01-01T00:00Z")
    url = reverse("home:login_code")
    html = client.post(url, {"mobile": "09351112233"}).content.decode()
    assert "هیچ حسابی این شمارهٔ موبایل تأییدشده را ندارد" in html
    client.post(url, {"mobile": MOBILE})
    code = last_code(MOBILE)
    response = client.post(url, {"code": "000000" if code != "000000" else "111111"})
    assert "کد درست نیست" in response.content.decode()
    response = client.post(url, {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    # A code works once.
    client.logout()
    client.post(url, {"mobile": MOBILE})
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_the_code_and_two_step_accounts_cannot_use_it(client):
    assert reverse("home:login_code") in client.get(reverse("account_login")).content.decode()
    from allauth.mfa.models import Authenticator

    user = UserFactory()
    Profile.objects.create(user=user, mobile=MOBILE, mobile_verified_at="2026-01-01T00:00Z")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    url = reverse("home:login_code")
    client.post(url, {"mobile": MOBILE})
    html = client.post(url, {"code": last_code(MOBILE)}).content.decode()
    assert "ورود دومرحله‌ای" in html
    assert "_auth_user_id" not in client.session
