"""User-supplied names and titles are isolated for bidi; signup asks for the name people see."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory


def test_bdi_isolates_and_escapes():
    html = Template("سفارش ۴ · {{ name|bdi }} · ۳۰۰٬۰۰۰ تومان").render(Context({"name": "probe.buyer1<script>"}))
    assert html == "سفارش ۴ · <bdi>probe.buyer1&lt;script&gt;</bdi> · ۳۰۰٬۰۰۰ تومان"
    assert Template("{{ name|bdi }}").render(Context({"name": ""})) == ""


@pytest.mark.django_db
def test_signup_asks_for_a_display_name_and_uses_it(client):
    form = client.get(reverse("account_signup")).content.decode()
    assert 'name="display_name"' in form and "نام شما" in form
    client.post(reverse("account_signup"), {
        "email": "probe.buyer1@example.com", "display_name": "  علی   رضایی ",
        "password1": PASSWORD, "password2": PASSWORD,
    })
    user = User.objects.get(email="probe.buyer1@example.com")
    assert user.display_name == "علی رضایی"


@pytest.mark.django_db
def test_signup_without_a_name_falls_back_to_the_email(client):
    client.post(reverse("account_signup"), {"email": "sara@example.com", "password1": PASSWORD, "password2": PASSWORD})
    assert User.objects.get(email="sara@example.com").display_name == "sara"


@pytest.mark.django_db
def test_the_header_wraps_the_users_name(client):
    user = UserFactory(first_name="probe.buyer1", last_name="")
    client.force_login(user)
    assert "<bdi>probe.buyer1</bdi>" in client.get("/").content.decode()


def test_search_snippets_never_cut_a_word():
    import re

    from search.query import snippet

    text = " ".join(f"واژه{i}" for i in range(80)) + " قرارداد " + " ".join(f"کلمه{i}" for i in range(80))
    html = str(snippet(text, re.compile("قرارداد")))
    inner = html.removeprefix("… ").removesuffix(" …").replace("<mark>", "").replace("</mark>", "")
    words = set(text.split())
    assert all(word in words for word in inner.split()), inner
    assert "<mark>قرارداد</mark>" in html


def test_decimals_use_the_persian_separator():
    assert Template("{{ r|floatformat:1|fa_digits }}").render(Context({"r": 4.44})) == "۴٫۴"
    assert Template("{{ n|fa_digits }}").render(Context({"n": "سفارش 12"})) == "سفارش ۱۲"


@pytest.mark.django_db
def test_django_length_messages_have_persian_digits():
    from django import forms
    from django.utils import translation

    class Form(forms.Form):
        name = forms.CharField(max_length=5)

    with translation.override("fa"):
        errors = Form({"name": "abcdefgh"}).errors["name"]
    assert errors == ["حداکثر ۵ نویسه بنویسید (اکنون ۸ نویسه است)."]


def test_password_length_rule_in_persian():
    from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("fa"):
        assert "گذرواژه باید دست‌کم ۸ نویسه باشد." in password_validators_help_texts()
        with pytest.raises(ValidationError) as caught:
            validate_password("a1b2c3")
    assert "گذرواژه باید دست‌کم ۸ نویسه باشد." in caught.value.messages
