"""Staff made with createsuperuser sign in to the Persian admin and manage experts."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from .factories import ExpertProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_createsuperuser_signs_in_to_the_persian_admin(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Admin-pass-1405")
    call_command("createsuperuser", "--noinput", "--email", "boss@example.com")
    # /admin/ login goes through allauth's login (rate limits, two-step sign-in).
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("account_login"), {"login": "boss@example.com", "password": "Admin-pass-1405"})
    assert response.status_code == 302
    html = client.get(reverse("admin:index")).content.decode()
    assert "مدیریت آزمودگان" in html
    assert 'dir="rtl"' in html
    assert "پروفایل‌های متخصصان" in html


def test_admin_lists_experts_and_refuses_non_staff(client):
    ExpertProfileFactory(display_name="نگار صالحی")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert "نگار صالحی" in client.get(reverse("admin:accounts_expertprofile_changelist")).content.decode()
    client.force_login(UserFactory())
    response = client.get(reverse("admin:accounts_expertprofile_changelist"))
    assert response.status_code == 302


def test_staff_can_turn_on_two_step_sign_in_and_is_then_asked_for_a_code(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.post(reverse("account_login"), {"login": staff.email, "password": "a-Strong-pass-1405"})
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302:  # allauth asks for the password again before security changes
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(response["Location"], {"password": "a-Strong-pass-1405"})
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    client.post(reverse("mfa_activate_totp"), {"code": code})
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": "a-Strong-pass-1405"})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
