"""The main pages at 360 px: no horizontal overflow, no fixed element over a button, no CSP violation
(tests/conftest.py fails the test on one), no serious or critical axe-core finding. Screenshots of
each page go to .data/screenshots/mobile-*.png."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in
from tests.orders.factories import in_progress_order, paid_order
from tests.services.factories import published_service

from .layout import (
    layout_problems,
    serious_accessibility_problems,
    track_open_requests,
    wait_until_settled,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def marketplace():
    service = published_service(packages=3, images=2, faqs=2, title="بررسی و اصلاح قرارداد اجارهٔ ملک")
    other = published_service(packages=1, images=1, title="Logo design for a small café", category=service.category)
    buyer = UserFactory(first_name="probe.buyer1", last_name="")
    order = in_progress_order(buyer=buyer, service=published_service(packages=0, images=0), title="بستهٔ ویژه")
    waiting = paid_order(buyer=buyer, service=published_service(packages=0, images=0))
    return {"service": service, "other": other, "buyer": buyer, "order": order, "waiting": waiting,
            "package": service.packages.order_by("price").first()}


def _add_to_compare(page, *services):
    for service in services:
        status = page.evaluate(
            "pk => fetch('/compare/toggle/' + pk + '/', {method: 'POST', "
            "headers: JSON.parse(document.body.getAttribute('hx-headers'))}).then(r => r.status)", service.pk,
        )
        assert status == 200, status


def _walk(page, pages, prefix):
    problems = []
    open_requests = track_open_requests(page)
    for name, url in pages:
        response = page.goto(url)
        assert response.status < 500, url
        wait_until_settled(page, open_requests)
        problems += [f"{name} ({url}): {p}" for p in layout_problems(page)]
        problems += [f"{name} ({url}): {p}" for p in serious_accessibility_problems(page)]
        screenshot(page, f"{prefix}-{name}")
    return problems


def _main_pages(page, marketplace, prefix):
    service, order = marketplace["service"], marketplace["order"]
    public = [
        ("home", "/"),
        ("search", "/search/?q=" + "قرارداد"),
        ("category", service.category.get_absolute_url()),
        ("categories", reverse("services:categories")),
        ("login", reverse("account_login")),
        ("signup", reverse("account_signup")),
        ("not-found", "/no-such-page/"),
    ]
    problems = _walk(page, public, prefix)

    sign_in(page, marketplace["buyer"])
    page.goto("/")
    _add_to_compare(page, service, marketplace["other"])
    private = [
        ("service", service.get_absolute_url()),
        ("compare", reverse("search:compare")),
        ("checkout", reverse("orders:checkout", args=[marketplace["package"].pk])),
        ("orders", reverse("orders:mine")),
        ("order", reverse("orders:detail", args=[order.pk])),
        ("requirements", reverse("orders:requirements", args=[marketplace["waiting"].pk])),
        ("wallet", reverse("escrow:wallet")),
    ]
    problems += _walk(page, private, prefix)
    return problems


def test_main_pages_fit_a_phone(mobile_page, marketplace):
    problems = _main_pages(mobile_page, marketplace, "mobile")
    assert problems == [], "\n".join(problems)


def test_main_pages_at_1280(page, marketplace):
    problems = _main_pages(page, marketplace, "desktop")
    assert problems == [], "\n".join(problems)


def test_chosen_file_names_are_listed_in_persian(mobile_page, marketplace, tmp_path):
    page = mobile_page
    sign_in(page, marketplace["buyer"])
    page.goto(reverse("orders:requirements", args=[marketplace["waiting"].pk]))
    names = page.locator(".az-file-names").first
    assert names.inner_text() == "هنوز فایلی انتخاب نشده است"
    assert page.locator(".az-file-button").first.inner_text().strip().startswith("انتخاب فایل‌ها")
    first, second = tmp_path / "قرارداد.pdf", tmp_path / "plan.pdf"
    for f in (first, second):
        f.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator(".az-file input[type=file]").first.set_input_files([str(first), str(second)])
    assert names.inner_text() == "قرارداد.pdf، plan.pdf"
    box = page.locator(".az-file-button").first.bounding_box()
    assert box["height"] >= 44


def test_compare_bar_is_not_on_the_compare_page_and_not_fixed_on_phones(mobile_page, marketplace):
    page = mobile_page
    sign_in(page, marketplace["buyer"])
    page.goto("/")
    _add_to_compare(page, marketplace["service"])
    page.goto(marketplace["service"].get_absolute_url())
    bar = page.get_by_test_id("compare-open")
    assert bar.is_visible() or bar.count() == 1
    page.goto(reverse("search:compare"))
    assert page.get_by_test_id("compare-open").count() == 0


def test_header_search_is_visible_on_every_phone_page(mobile_page, marketplace):
    page = mobile_page
    for url in ("/", reverse("account_login"), marketplace["service"].get_absolute_url()):
        page.goto(url)
        field = page.locator("header input[type=search]")
        assert field.is_visible(), url
        box = field.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 200, url
    page.locator("header input[type=search]").fill("قرارداد")
    page.locator("header input[type=search]").press("Enter")
    page.wait_for_url("**/search/**")
    assert "قرارداد" in page.url or "%D9%82" in page.url


def _headings(page):
    return page.evaluate("() => [...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
                         ".filter(h => h.checkVisibility() || h.classList.contains('visually-hidden'))"
                         ".map(h => Number(h.tagName[1]))")


def test_heading_levels_never_skip(mobile_page, marketplace):
    page = mobile_page
    service = marketplace["service"]
    for url in ("/search/?q=" + "قرارداد", service.category.get_absolute_url(), service.get_absolute_url()):
        page.goto(url)
        levels = _headings(page)
        assert levels and levels[0] == 1, (url, levels)
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (url, levels)
    page.goto(service.category.get_absolute_url())
    # Sub-category chips are real list items holding links (a screen reader lists them as links).
    assert page.locator("a[role=listitem]").count() == 0
    assert page.get_by_role("link", name=service.category.name).count() >= 1


@pytest.mark.django_db(transaction=True)
def test_the_policy_blocks_inline_script_and_browser_tests_hear_of_it(page):
    page.goto("/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.azInline = 1';"
                      " document.body.appendChild(s); }")
    assert page.evaluate("window.azInline") is None, "the inline script ran"
    assert any("script-src" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # this violation was the point of the test
