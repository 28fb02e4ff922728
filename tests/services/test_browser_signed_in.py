"""Two signed-in buyers on a service page that the first one's visit put in the shared store
(azmoodegan/shared.py): each one's heart, compare toggle, compare bar and helpful button are their own,
and they work (htmx) on the shared page."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in
from tests.reviews import factories as rf

from .factories import published_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signed_in_service_page_hearts_compare_and_helpful_are_each_buyers_own(page, browser, live_server):
    service = published_service(packages=3, images=2, title="بررسی قرارداد اجاره مسکونی")
    rf.bulk_reviews(service, 3)
    url = service.get_absolute_url()
    bob = UserFactory(first_name="بهرام", last_name="")
    alice = UserFactory(first_name="آلیس", last_name="")

    other = browser.new_context(base_url=live_server.url, locale="fa-IR", viewport={"width": 1280, "height": 900})
    bob_tab = other.new_page()
    bob_tab.set_default_timeout(15_000)
    sign_in(bob_tab, bob)
    bob_tab.goto(url)  # renders the page for every signed-in buyer
    heart = bob_tab.get_by_test_id("save-toggle").first
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(bob_tab.get_by_test_id("save-toggle").first).to_have_attribute("aria-pressed", "true")
    bob_tab.get_by_test_id("compare-toggle").first.click()
    expect(bob_tab.get_by_test_id("compare-toggle").first).to_have_attribute("aria-pressed", "true")

    sign_in(page, alice)
    page.goto(url)  # from the shared page, filled for alice
    expect(page.get_by_test_id("user-menu")).to_contain_text("آلیس")
    expect(page.get_by_test_id("save-toggle").first).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("compare-toggle").first).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("compare-open")).to_have_count(0)
    page.get_by_test_id("save-toggle").first.click()
    expect(page.get_by_test_id("save-toggle").first).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("compare-toggle").first.click()
    expect(page.get_by_test_id("compare-toggle").first).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("helpful")).to_have_count(3)
    page.get_by_test_id("helpful").first.click()
    expect(page.get_by_test_id("helpful")).to_have_count(2)
    page.reload()  # a new page: the heart and the compare list are still hers, and the bar shows
    expect(page.get_by_test_id("save-toggle").first).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("compare-toggle").first).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("compare-open")).to_be_visible()
    expect(page.locator(".bi-hand-thumbs-up-fill")).to_have_count(1)
    screenshot(page, "service_signed_in")

    bob_tab.reload()  # bob's page never shows alice's marks
    expect(bob_tab.get_by_test_id("user-menu")).to_contain_text("بهرام")
    expect(bob_tab.get_by_test_id("helpful")).to_have_count(3)
    expect(bob_tab.locator(".bi-hand-thumbs-up-fill")).to_have_count(0)
    other.close()
