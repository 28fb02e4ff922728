"""In a browser: the expert asks for 3 more days and the buyer accepts (new due date in Persian); then the
buyer opens a dispute, staff resolve it with a split in the admin, and the order page shows the outcome."""

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from azmoodegan.persian import format_toman, jalali_datetime
from escrow import ledger
from escrow.actions import commission_calculate
from orders.models import Order
from services.models import Service
from tests.accounts.factories import UserFactory
from tests.conftest import at_360, screenshot, sign_in, switch_user
from tests.services.factories import ServiceFactory, expert_user

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_extension_then_dispute_resolved_with_a_split(page):
    expert = expert_user(display_name="علی رضایی")
    service = ServiceFactory(owner=expert, status=Service.Status.PUBLISHED, title="ترجمه‌ی قرارداد تجاری")
    buyer = UserFactory(first_name="مریم", last_name="کاظمی")
    order = f.in_progress_order(buyer=buyer, service=service, price=1_200_000, delivery_days=3)
    due = order.due_at
    new_due = due + dt.timedelta(days=3)
    staff = UserFactory(first_name="پشتیبان", last_name="آزمودگان", is_staff=True, is_superuser=True)

    # The expert asks for 3 more days, typed with a Persian digit.
    sign_in(page, expert)
    page.goto(f"/orders/{order.pk}/")
    page.get_by_test_id("extension-form").locator("summary").click()
    page.get_by_label("چند روز بیشتر؟").fill("۳")
    page.get_by_label("چرا به زمان بیشتری نیاز دارید؟").fill("متن اصلی قرارداد هنوز از طرف مقابل نرسیده است.")
    screenshot(page, "orders-extension-expert-form")
    page.get_by_test_id("extension-submit").click()
    expect(page.locator("#az-messages")).to_contain_text("برای خریدار فرستاده شد")
    expect(page.get_by_test_id("extension-pending")).to_contain_text("۳ روز")
    screenshot(page, "orders-extension-expert-pending")

    # The buyer reads the reason and the new due date in Jalali, then accepts.
    switch_user(page, buyer.email)
    page.goto(f"/orders/{order.pk}/")
    card = page.get_by_test_id("extension-request")
    expect(card).to_contain_text("متخصص ۳ روز زمان بیشتر درخواست کرده است")
    expect(card).to_contain_text("متن اصلی قرارداد هنوز از طرف مقابل نرسیده است.")
    expect(page.get_by_test_id("extension-new-due")).to_have_text(jalali_datetime(new_due))
    screenshot(page, "orders-extension-buyer-decide")
    at_360(page, "orders-extension-buyer-decide-360")
    page.get_by_test_id("extension-accept").click()
    expect(page.locator("#az-messages")).to_contain_text(f"مهلت تحویل جدید: {jalali_datetime(new_due)}")
    expect(page.get_by_test_id("countdown")).to_contain_text(jalali_datetime(new_due))
    expect(page.get_by_test_id("countdown")).to_contain_text("۵ روز و ۲۳ ساعت")
    expect(page.get_by_test_id("timeline")).to_contain_text("خریدار به متخصص زمان بیشتری داد")
    expect(page.get_by_test_id("extension-request")).to_have_count(0)
    screenshot(page, "orders-extension-accepted")
    order.refresh_from_db()
    assert order.due_at == new_due

    # Later the buyer opens a dispute.
    page.get_by_test_id("dispute-form").locator("summary").click()
    page.get_by_label("چه مشکلی پیش آمده است؟").fill("نیمی از قرارداد ترجمه نشده و متخصص پاسخ نمی‌دهد.")
    screenshot(page, "orders-dispute-form")
    page.get_by_test_id("dispute-open").click()
    expect(page.get_by_test_id("status")).to_have_text("در اختلاف")
    expect(page.get_by_test_id("dispute")).to_contain_text("نیمی از قرارداد ترجمه نشده")
    expect(page.get_by_test_id("money")).to_contain_text("۱۲۰٬۰۰۰ تومان")
    expect(page.get_by_test_id("dispute-open")).to_have_count(0)
    screenshot(page, "orders-disputed-buyer")

    # Staff resolve it in the admin: 50,000 Toman back to the buyer, the rest to the expert.
    switch_user(page, staff.email)
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    screenshot(page, "orders-dispute-admin-order")
    page.get_by_role("link", name="رسیدگی به اختلاف").first.click()
    expect(page.get_by_test_id("held")).to_contain_text("۱۲۰٬۰۰۰ تومان")
    page.get_by_label("تقسیم میان خریدار و متخصص").check()
    page.get_by_label("مبلغ برگشتی به خریدار در تقسیم (تومان)").fill("۵۰٬۰۰۰")
    page.get_by_label("یادداشت برای هر دو طرف").fill("بخشی از ترجمه تحویل شده بود؛ مبلغ به نسبت تقسیم شد.")
    screenshot(page, "orders-dispute-admin-resolve")
    page.get_by_test_id("resolve-submit").click()
    expect(page.locator(".messagelist")).to_contain_text("به اختلاف رسیدگی شد")
    screenshot(page, "orders-dispute-admin-resolved")

    # The buyer sees the outcome on the order page.
    switch_user(page, buyer.email)
    page.goto(f"/orders/{order.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("تکمیل‌شده")
    outcome = page.get_by_test_id("dispute-outcome")
    expect(outcome).to_contain_text("تقسیم میان خریدار و متخصص")
    expect(page.get_by_test_id("dispute-buyer-amount")).to_have_text(format_toman(500_000))
    expect(page.get_by_test_id("dispute-expert-amount")).to_have_text(format_toman(700_000 - commission_calculate(700_000)))
    expect(outcome).to_contain_text("مبلغ به نسبت تقسیم شد")
    expect(page.get_by_test_id("timeline")).to_contain_text("آزمودگان به اختلاف رسیدگی کرد")
    screenshot(page, "orders-dispute-outcome-buyer")
    at_360(page, "orders-dispute-outcome-buyer-360")

    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert ledger.escrow_balance(order.pk) == 0
    assert ledger.user_balances(buyer)["available"] == 500_000
    assert ledger.user_balances(expert)["pending"] == 700_000 - commission_calculate(700_000)
    call_command("check_ledger")
    assert page.offsite == []
