"""The sandbox bank page and the wallet, driven in headless Chromium."""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from escrow import actions
from escrow.models import Payment
from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in, switch_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def come_back(page) -> Payment:
    """What the orders app's callback view does with the URL the bank sent the buyer to."""
    params = dict(parse_qsl(urlsplit(page.url).query))
    return actions.payment_verify(gateway="sandbox", authority=params["Authority"], callback_params=params)


def test_pay_and_cancel_at_the_sandbox_bank_then_see_the_wallets(page, mobile_page, live_server, settings):
    settings.COMMISSION_PERCENT = 10
    buyer, expert = UserFactory(first_name="مریم", last_name="کاظمی"), UserFactory(first_name="علی", last_name="رضایی")
    sign_in(page, buyer)

    # Pay: the bank page shows the amount in Toman with Persian digits and the merchant.
    payment, url = actions.payment_start(order_ref=501, buyer=buyer, amount=1_250_000,
                                         callback_url=f"{live_server.url}/wallet/", description="طراحی لوگو")
    page.goto(url)
    assert page.get_by_test_id("amount").inner_text() == "۱۲۵٬۰۰۰ تومان"
    assert page.get_by_test_id("merchant").inner_text() == "آزمودگان"
    screenshot(page, "escrow-sandbox-bank")
    page.get_by_test_id("pay").click()
    page.wait_for_url("**/wallet/?*")
    assert come_back(page).status == Payment.Status.PAID

    # Cancel: nothing is credited.
    second, url = actions.payment_start(order_ref=502, buyer=buyer, amount=300_000,
                                        callback_url=f"{live_server.url}/wallet/")
    page.goto(url)
    page.get_by_test_id("cancel").click()
    page.wait_for_url("**/wallet/?*")
    assert "Status=NOK" in page.url
    assert come_back(page).status == Payment.Status.CANCELLED

    # A third order is paid and then cancelled by the buyer: the refund lands in their wallet.
    third, url = actions.payment_start(order_ref=503, buyer=buyer, amount=400_000,
                                       callback_url=f"{live_server.url}/wallet/")
    page.goto(url)
    page.get_by_test_id("pay").click()
    page.wait_for_url("**/wallet/?*")
    assert come_back(page).status == Payment.Status.PAID
    actions.escrow_refund(order_ref=503, buyer=buyer, amount=400_000)
    page.goto("/wallet/")
    assert page.get_by_test_id("available").inner_text() == "۴۰٬۰۰۰ تومان"
    assert "بازگشت وجه سفارش ۵۰۳" in page.content()
    screenshot(page, "escrow-wallet-buyer")

    # The buyer confirms order 501: the expert's wallet shows price − commission, pending.
    actions.escrow_release(order_ref=501, expert=expert, buyer=buyer, amount=1_250_000)
    switch_user(page, expert.email)
    page.goto("/")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="کیف پول").click()
    page.wait_for_url("**/wallet/")
    assert page.get_by_test_id("pending").inner_text() == "۱۱۲٬۵۰۰ تومان"
    assert page.get_by_test_id("available").inner_text() == "۰ تومان"
    assert "آزمودگان" in page.get_by_test_id("trust").inner_text()
    line = page.get_by_test_id("line-amount").first.inner_text()
    assert "+۱۱۲٬۵۰۰" in line and "تومان" in line
    screenshot(page, "escrow-wallet-expert-pending")

    actions.earnings_clear(now=timezone.now() + dt.timedelta(days=4))
    page.reload()
    assert page.get_by_test_id("available").inner_text() == "۱۱۲٬۵۰۰ تومان"
    assert page.get_by_test_id("pending").inner_text() == "۰ تومان"
    screenshot(page, "escrow-wallet-expert")
    assert page.offsite == []

    sign_in(mobile_page, expert)
    mobile_page.goto("/wallet/")
    assert mobile_page.get_by_test_id("available").inner_text() == "۱۱۲٬۵۰۰ تومان"
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the wallet scrolls sideways at 360 px ({width})"
    screenshot(mobile_page, "escrow-wallet-360")
    fourth, url = actions.payment_start(order_ref=504, buyer=expert, amount=990_000,
                                        callback_url=f"{live_server.url}/wallet/", description="مشاوره مالیاتی")
    mobile_page.goto(url)
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(mobile_page, "escrow-sandbox-bank-360")
