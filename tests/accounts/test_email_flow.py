"""Account emails go through a real Celery worker and carry working links."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User

from .factories import PASSWORD, UserFactory


def wait_for_mail(count=1, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(mail.outbox) >= count:
            return mail.outbox[count - 1]
        time.sleep(0.05)
    raise AssertionError(f"no email arrived within {timeout}s (outbox has {len(mail.outbox)})")


@pytest.mark.django_db(transaction=True)
def test_signup_verification_email_is_sent_by_the_worker_and_verifies(client, celery_worker_real):
    response = client.post(
        reverse("account_signup"), {"email": "neda@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    message = wait_for_mail()
    assert message.to == ["neda@example.com"]
    assert "آزمودگان" in message.subject
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    # Unverified users cannot sign in yet.
    assert not EmailAddress.objects.get(email="neda@example.com").verified
    client.post(path)
    assert EmailAddress.objects.get(email="neda@example.com").verified


@pytest.mark.django_db
def test_password_reset_email_lets_the_user_choose_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reza@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "reza@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    new_password = "Another-strong-1405"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


@pytest.mark.django_db
def test_login_requires_a_verified_email(client):
    UserFactory(email="unverified@example.com", verified=False)
    response = client.post(reverse("account_login"), {"login": "unverified@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert User.objects.get(email="unverified@example.com").last_login is None
