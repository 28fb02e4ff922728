"""A visitor types a misspelling, sees «منظورتان «…» بود؟», clicks it and gets the services."""

import pytest

from search.indexing import rebuild_vocabulary
from tests.conftest import screenshot

from .factories import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_misspelt_search_offers_a_correction_that_finds_services(page):
    make_service("طراحی لوگو مینیمال برای استارتاپ", price_toman=150_000)
    make_service("طراحی لوگو و هویت بصری کامل", price_toman=400_000)
    make_service("ترجمه مقاله", price_toman=100_000)

    page.goto("/")
    page.fill("#az-q", "طراهي لوگو")  # a wrong letter, typed on an Arabic keyboard
    page.press("#az-q", "Enter")
    page.wait_for_selector("[data-testid=no-results]")
    link = page.locator("[data-testid=did-you-mean] a")
    assert link.inner_text().strip() == "منظورتان «طراحی لوگو» بود؟"
    screenshot(page, "search_did_you_mean")

    link.click()  # a whole page, so both search boxes show the corrected words
    page.wait_for_selector("[data-testid=service-card]")
    assert page.locator("[data-testid=service-card]").count() == 2
    assert page.locator("[data-testid=no-results]").count() == 0
    assert page.locator("#id_q").input_value() == "طراحی لوگو"
    assert page.locator("#az-q").input_value() == "طراحی لوگو"
    assert "q=%D8%B7%D8%B1%D8%A7%D8%AD%DB%8C" in page.url  # «طراحی» is in the address: shareable
    assert not page.offsite
    screenshot(page, "search_did_you_mean_followed")
