"""Persian first, Persian error pages with DEBUG off, and the security headers."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from azmoodegan import errors
from tests.accounts.factories import UserFactory

PERSIAN_SHELL = '<html lang="fa" dir="rtl">'


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    return settings


# --- Persian, always ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "en", "de-DE", "ar", ""])
def test_persian_whatever_the_browser_asks_for(client, accept):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    html = response.content.decode()
    assert PERSIAN_SHELL in html
    assert response["Content-Language"] == "fa"
    assert "جست‌وجوی خدمات" in html


@pytest.mark.django_db
def test_english_only_when_picked_in_the_selector_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 302
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    client.post(reverse("set_language"), {"language": "fa", "next": "/"})
    assert PERSIAN_SHELL in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()


@pytest.mark.django_db
def test_a_forged_language_cookie_falls_back_to_persian(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert PERSIAN_SHELL in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


# --- Error pages with DEBUG=0 ------------------------------------------------------------------


def _assert_persian_error_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert PERSIAN_SHELL in html
    assert heading in html
    assert 'role="search"' in html and 'name="q"' in html, "a search box"
    assert 'data-testid="error-home"' in html and 'href="/"' in html, "a way home"
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request", "Too Many"):
        assert english not in html


@pytest.mark.django_db
def test_404_is_persian(client, production):
    _assert_persian_error_page(client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-US"), 404, "صفحه پیدا نشد")


@pytest.mark.django_db
def test_404_of_a_missing_object_is_persian(client, production):
    response = client.get("/services/999999/")
    _assert_persian_error_page(response, 404, "صفحه پیدا نشد")


@pytest.mark.django_db
def test_non_staff_at_the_admin_gets_the_persian_403(client, production):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US", follow=True)  # via /admin/login/
    _assert_persian_error_page(response, 403, "شما به این صفحه دسترسی ندارید")


@pytest.mark.django_db
def test_400_for_a_bad_host_is_persian(client, production):
    response = client.get("/", HTTP_HOST="evil.example")
    _assert_persian_error_page(response, 400, "درخواست شما فهمیده نشد")


@pytest.mark.django_db
def test_allauth_rate_limit_is_the_persian_429(client, production):
    production.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    url = reverse("account_login")
    client.post(url, {"login": "nobody@example.com", "password": "wrong-password"})
    response = client.post(url, {"login": "nobody@example.com", "password": "wrong-password"})
    _assert_persian_error_page(response, 429, "تلاش‌های بیش از اندازه")
    assert response["Retry-After"] == "60"


@pytest.mark.django_db
@pytest.mark.urls("tests.site.error_urls")
def test_500_is_persian(production):
    client = Client(raise_request_exception=False)
    _assert_persian_error_page(client.get("/boom/"), 500, "مشکلی در سمت ما پیش آمد")


@pytest.mark.django_db
def test_500_page_reads_nothing_from_the_database(django_assert_num_queries):
    request = RequestFactory().get("/boom/")  # no session, no user: the page needs neither
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    _assert_persian_error_page(response, 500, "مشکلی در سمت ما پیش آمد")


@pytest.mark.django_db
def test_csrf_failure_is_persian(production):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})
    _assert_persian_error_page(response, 403, "اعتبار فرم تمام شده است")


# --- Security headers --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_has_a_csp_without_inline_script_and_a_permissions_policy(client):
    for url in ("/", "/search/?q=logo", "/accounts/login/", "/no-such-page/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'", url
        assert "unsafe" not in directives["script-src"] and "unsafe" not in directives["default-src"]
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_cached_public_page_keeps_its_headers(client):
    first = client.get("/")
    second = client.get("/")
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "Permissions-Policy" in second


@pytest.mark.django_db
def test_private_pages_are_never_stored(client):
    user = UserFactory()
    client.force_login(user)
    for url in (reverse("orders:mine"), reverse("escrow:wallet"), reverse("orders:received"),
                reverse("services:dashboard"), reverse("account_email")):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert "no-store" in response["Cache-Control"], url
    public = client.get("/")
    assert "no-store" not in public.get("Cache-Control", "")


@pytest.mark.django_db
def test_the_incomplete_english_is_not_offered(client, settings):
    assert 'name="language"' not in client.get("/").content.decode()
    settings.LANGUAGE_SELECTOR = True
    assert 'name="language"' in client.get("/?selector").content.decode()  # a fresh (uncached) page
