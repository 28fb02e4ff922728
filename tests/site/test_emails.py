"""Account emails name the site and its domain; password reset never reveals who is registered."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://azmoodegan.ir"


@pytest.mark.django_db
def test_verification_email_names_the_site_and_its_domain(client, site_url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "neda@example.com", "password1": PASSWORD, "password2": PASSWORD, "display_name": "ندا"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("آزمودگان | ")
    assert "سلام، از طرف آزمودگان!" in message.body
    assert "azmoodegan.ir" in message.body
    assert "از طرف !" not in message.body and "استفاده از ." not in message.body
    assert "تایید" not in message.body and "آدرس ایمیل" not in message.body


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_unknown_and_known_emails(client, django_capture_on_commit_callbacks):
    UserFactory(email="reza@example.com")
    url = reverse("account_reset_password")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "nobody@example.com"}, follow=True)
        known = client.post(url, {"email": "reza@example.com"}, follow=True)
    for response in (unknown, known):
        html = response.content.decode()
        assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("account_reset_password_done")
        assert "اگر حسابی با این نشانی ایمیل وجود داشته باشد" in html
        assert "متصل نشده" not in html
    # The owner of the unknown address is told there is no account; the known one gets a link.
    assert [m.to for m in mail.outbox] == [["nobody@example.com"], ["reza@example.com"]]
    assert "/accounts/signup/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" in mail.outbox[1].body
    assert "گذرواژهٔ تازه" in mail.outbox[1].body
