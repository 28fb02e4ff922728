"""A buyer searches with an Arabic keyboard, filters by price, ticks three services and compares."""

import pytest

from search.models import ExpertStats
from tests.conftest import screenshot

from .factories import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seed():
    made = [
        make_service("طراحی لوگو مینیمال برای استارتاپ", price_toman=150_000, days=2, tiers=3, rating="4.8", reviews=40),
        make_service("طراحی لوگو و هویت بصری کامل", price_toman=400_000, days=5, tiers=2, rating="4.9", reviews=120),
        make_service("طراحی لوگوی تایپوگرافی", price_toman=250_000, days=3, tiers=1),
        make_service("طراحی لوگو لوکس", price_toman=2_000_000, days=7, tiers=3, rating="5", reviews=3),
        make_service("ترجمه مقاله", price_toman=100_000),
    ]
    ExpertStats.objects.create(expert=made[0].owner, response_seconds=1800, on_time_rate=98)
    return made


def test_search_filter_compare(page):
    seed()
    page.goto("/")
    page.fill("#az-q", "طراحي لوگو")  # Arabic yeh, as an Arabic keyboard types it
    page.press("#az-q", "Enter")
    page.wait_for_selector("[data-testid=service-card]")
    assert page.locator("[data-testid=service-card]").count() == 4
    assert page.locator("[data-testid=search-results] mark").first.inner_text() == "طراحی"

    page.fill("#id_max_price", "۵۰۰٬۰۰۰")  # Persian digits and separator
    with page.expect_response(lambda r: "/search/" in r.url and r.request.headers.get("hx-request") == "true"):
        page.click("[data-testid=search-form] button[type=submit]")
    page.wait_for_function("document.querySelectorAll('[data-testid=service-card]').length === 3")
    assert "max_price=" in page.url  # the filter lives in the URL
    assert "لوکس" not in page.locator("[data-testid=search-results]").inner_text()

    for i in range(3):
        with page.expect_response(lambda r: "/compare/toggle/" in r.url):
            page.locator("[data-testid=compare-toggle]").nth(i).click()
        page.wait_for_selector(f"[data-testid=compare-toggle][aria-pressed=true] >> nth={i}")
    bar = page.locator("[data-testid=compare-bar]")
    assert "۳ از ۴" in bar.inner_text()
    screenshot(page, "search_results")

    page.click("[data-testid=compare-open]")
    table = page.locator("[data-testid=compare-table]")
    table.wait_for()
    assert table.locator("[data-testid=compare-title]").count() == 3
    text = table.inner_text()
    assert "۱۵۰٬۰۰۰ تومان" in text and "۳۰ دقیقه" in text and "۹۸٪" in text
    assert table.locator("td.az-best").count() >= 3
    screenshot(page, "compare_table")


def test_search_and_compare_on_a_phone(mobile_page):
    seed()
    page = mobile_page
    page.goto("/search/?q=%D8%B7%D8%B1%D8%A7%D8%AD%DB%8C")
    page.wait_for_selector("[data-testid=service-card]")
    page.locator("[data-testid=compare-toggle]").first.click()
    page.wait_for_selector("[data-testid=compare-toggle][aria-pressed=true]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "search_results_360")
    page.goto("/compare/")
    screenshot(page, "compare_table_360")
