"""A Persian buyer's search journey: a typo, a Latin word, too many words, a joined compound.

They type «طراهي لوگو» (a wrong letter, Arabic yeh): services with «لوگو» are shown with a notice
that not every word matched, and «منظورتان «طراحی لوگو» بود؟» leads to the right services. «logo»
finds the same services; a long query falls back to any word; «برنامهنویسی» typed without the
half-space finds «برنامه‌نویسی».
"""

import pytest

from search.indexing import rebuild_vocabulary
from search.models import Synonym
from tests.conftest import screenshot

from .factories import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FALLBACK = "هیچ خدمتی همه واژه‌های جست‌وجوی شما را نداشت"


def cards(page) -> list[str]:
    return page.locator("[data-testid=service-card]").all_inner_texts()


def search_from_header(page, text):
    page.fill("#az-q", text)
    page.press("#az-q", "Enter")
    page.wait_for_selector("[data-testid=search-results]")


def test_a_persian_buyers_search_journey(page):
    Synonym.objects.get_or_create(term="logo", synonym="لوگو")  # a flushed database lost the seeded pairs
    make_service("طراحی لوگو مینیمال برای استارتاپ", price_toman=150_000)
    make_service("طراحی لوگو و هویت بصری کامل", price_toman=400_000)
    make_service("آموزش برنامه‌نویسی پایتون", price_toman=300_000)
    make_service("ترجمه مقاله", price_toman=100_000)
    rebuild_vocabulary()

    page.goto("/")
    search_from_header(page, "طراهي لوگو")
    results = page.locator("[data-testid=search-results]")
    assert FALLBACK in results.inner_text()
    assert len(cards(page)) == 2  # the two with «لوگو»
    link = page.locator("[data-testid=did-you-mean] a")
    assert link.inner_text().strip() == "منظورتان «طراحی لوگو» بود؟"
    screenshot(page, "search_journey_typo")

    link.click()
    page.wait_for_selector("[data-testid=service-card]")
    assert len(cards(page)) == 2
    assert FALLBACK not in page.locator("[data-testid=search-results]").inner_text()
    assert page.locator("[data-testid=did-you-mean]").count() == 0
    assert page.locator("#az-q").input_value() == "طراحی لوگو"

    search_from_header(page, "logo")
    assert len(cards(page)) == 2

    search_from_header(page, "طراحی لوگو برای فروشگاه")
    assert FALLBACK in page.locator("[data-testid=search-results]").inner_text()
    assert "طراحی لوگو" in cards(page)[0]
    screenshot(page, "search_journey_fallback")

    search_from_header(page, "برنامهنویسی")
    assert [c for c in cards(page) if "پایتون" in c] and len(cards(page)) == 1

    search_from_header(page, "زرشک پلو")
    empty = page.locator("[data-testid=no-results]")
    assert empty.count() == 1
    assert page.locator("[data-testid=popular-categories] a").count() >= 1
    assert page.locator("[data-testid=post-request]").count() == 1
    assert not page.offsite
    screenshot(page, "search_journey_empty")


def test_the_fallback_notice_and_suggestion_fit_a_phone(mobile_page):
    make_service("طراحی لوگو مینیمال برای استارتاپ", price_toman=150_000)
    rebuild_vocabulary()
    mobile_page.goto("/search/?q=طراهی+لوگو")
    mobile_page.wait_for_selector("[data-testid=service-card]")
    assert FALLBACK in mobile_page.locator("[data-testid=search-results]").inner_text()
    assert mobile_page.locator("[data-testid=did-you-mean] a").is_visible()
    assert mobile_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(mobile_page, "search_fallback_mobile")
