"""In a browser, money part two: a withdrawal asked on the wallet and paid by staff in the admin; a
cancellation by mutual agreement; a dispute with evidence from both sides settled with a split. The
ledger checks pass after each."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from azmoodegan.persian import format_toman
from escrow import actions as escrow
from escrow import ledger
from escrow.models import Payout
from escrow.payouts import ManualPayoutProvider
from orders import actions
from orders.models import Order
from services.models import Service
from tests.accounts.factories import ExpertProfileFactory, UserFactory
from tests.conftest import at_360, screenshot, sign_in, switch_user
from tests.services.factories import ServiceFactory, expert_user

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHEBA = "IR062960000000100324200001"


def test_withdrawal_asked_paid_by_staff_in_the_admin_and_shown_on_the_wallet(page):
    expert = expert_user(display_name="علی رضایی")
    ExpertProfileFactory._meta.model.objects.filter(user=expert).update(sheba=SHEBA)
    service = ServiceFactory(owner=expert, status=Service.Status.PUBLISHED, title="بررسی قرارداد اجاره")
    order = f.delivered_order(service=service, price=3_000_000)
    actions.order_confirm(order_id=order.pk, actor=order.buyer)
    escrow.earnings_clear(now=timezone.now() + dt.timedelta(days=4))
    available = ledger.user_balances(expert)["available"]
    assert available == 2_700_000
    staff = UserFactory(first_name="پشتیبان", last_name="مالی", is_staff=True, is_superuser=True)

    sign_in(page, expert)
    page.goto("/wallet/")
    form = page.get_by_test_id("withdraw-form")
    expect(form.locator("#id_sheba")).to_have_value(SHEBA)
    expect(form.locator("#id_sheba")).to_be_disabled()
    form.get_by_label("مبلغ (تومان)").fill("۹۰٬۰۰۰")  # below the minimum
    form.locator("button[type=submit]").click()
    expect(page.locator("#id_amount_error")).to_contain_text("کمترین مبلغ برداشت")
    expect(page.get_by_label("مبلغ (تومان)")).to_have_value("۹۰٬۰۰۰")
    page.get_by_label("مبلغ (تومان)").fill("۲۰۰٬۰۰۰")
    screenshot(page, "escrow-withdraw-form")
    page.get_by_test_id("withdraw-form").locator("button[type=submit]").click()
    expect(page.locator("#az-messages")).to_contain_text("۲۰۰٬۰۰۰ تومان")
    expect(page.get_by_test_id("available")).to_have_text(format_toman(available - 2_000_000))
    expect(page.get_by_test_id("in-flight")).to_contain_text("۲۰۰٬۰۰۰ تومان")
    expect(page.get_by_test_id("withdrawal")).to_have_attribute("data-status", "requested")
    screenshot(page, "escrow-withdraw-requested")
    at_360(page, "escrow-withdraw-requested-360")

    # The beat task hands the request to the (manual) payout provider as a batch.
    batch = escrow.payout_dispatch(provider=ManualPayoutProvider())
    payout = Payout.objects.get()

    # Staff export the batch for the bank and mark the payout paid.
    switch_user(page, staff.email)
    page.goto("/admin/escrow/payoutbatch/")
    page.locator(f"input[name=_selected_action][value='{batch.pk}']").check()
    page.locator("select[name=action]").select_option("export_paya_csv")
    with page.expect_download() as download:
        page.locator("button[name=index]").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert SHEBA in text and "2000000" in text and f"AZ{payout.pk}" in text
    page.goto("/admin/escrow/payout/")
    screenshot(page, "escrow-admin-payouts")
    page.locator(f"input[name=_selected_action][value='{payout.pk}']").check()
    page.locator("select[name=action]").select_option("mark_paid")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("۱ برداشت به‌روز شد")

    switch_user(page, expert.email)
    page.goto("/wallet/")
    row = page.get_by_test_id("withdrawal")
    expect(row).to_have_attribute("data-status", "paid")
    expect(row).to_contain_text("واریزشده به بانک")
    expect(page.get_by_test_id("in-flight")).to_have_count(0)
    expect(page.locator("[data-testid=ledger-line]").first).to_contain_text("برداشت")
    screenshot(page, "escrow-withdraw-paid")
    assert ledger.user_balances(expert) == {"available": available - 2_000_000, "pending": 0, "in_flight": 0}
    call_command("check_ledger")
    assert page.offsite == []


def test_cancellation_by_mutual_agreement(page):
    expert = expert_user(display_name="علی رضایی")
    service = ServiceFactory(owner=expert, status=Service.Status.PUBLISHED, title="ترجمهٔ قرارداد")
    buyer = UserFactory(first_name="مریم", last_name="کاظمی")
    order = f.in_progress_order(buyer=buyer, service=service, price=1_500_000)

    sign_in(page, expert)
    page.goto(f"/orders/{order.pk}/")
    page.get_by_test_id("cancellation-form").locator("summary").click()
    page.get_by_label("چرا می‌خواهید سفارش لغو شود؟").fill("متن قرارداد به زبانی است که من ترجمه نمی‌کنم.")
    page.get_by_test_id("cancellation-ask").click()
    expect(page.get_by_test_id("cancellation-pending")).to_be_visible()
    screenshot(page, "orders-cancellation-asked")

    switch_user(page, buyer.email)
    page.goto(f"/orders/{order.pk}/")
    card = page.get_by_test_id("cancellation-request")
    expect(card).to_contain_text("متن قرارداد به زبانی است که من ترجمه نمی‌کنم.")
    expect(card).to_contain_text("۱۵۰٬۰۰۰ تومان")
    screenshot(page, "orders-cancellation-answer")
    at_360(page, "orders-cancellation-answer-360")
    page.get_by_test_id("cancellation-accept").click()
    expect(page.get_by_test_id("status")).to_have_text("لغو‌شده")
    expect(page.get_by_test_id("timeline")).to_contain_text("درخواست لغو با توافق طرفین")
    expect(page.get_by_test_id("timeline")).to_contain_text("لغو با توافق؛ همهٔ مبلغ به کیف پول خریدار برگشت")
    screenshot(page, "orders-cancellation-accepted")
    page.goto("/wallet/")
    expect(page.get_by_test_id("available")).to_have_text(format_toman(1_500_000))
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    call_command("check_ledger")


def test_dispute_with_evidence_from_both_sides_settled_with_a_split(page, tmp_path):
    expert = expert_user(display_name="علی رضایی")
    service = ServiceFactory(owner=expert, status=Service.Status.PUBLISHED, title="طراحی لوگو")
    buyer = UserFactory(first_name="مریم", last_name="کاظمی")
    order = f.delivered_order(buyer=buyer, service=service, price=2_000_000)
    staff = UserFactory(first_name="پشتیبان", last_name="آزمودگان", is_staff=True, is_superuser=True)
    evidence = tmp_path / "گفتگو.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    answer = tmp_path / "پاسخ.pdf"
    answer.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    sign_in(page, buyer)
    page.goto(f"/orders/{order.pk}/")
    page.get_by_test_id("dispute-form").locator("summary").click()
    page.get_by_label("چه مشکلی پیش آمده است؟").fill("لوگو با توضیحاتی که داده بودم نمی‌خواند.")
    page.get_by_test_id("dispute-form").locator("input[type=file]").set_input_files(str(evidence))
    page.get_by_test_id("dispute-open").click()
    expect(page.get_by_test_id("status")).to_have_text("در اختلاف")
    expect(page.get_by_test_id("evidence")).to_contain_text("گفتگو.pdf")

    switch_user(page, expert.email)
    page.goto(f"/orders/{order.pk}/")
    form = page.get_by_test_id("dispute-response-form")
    form.get_by_label("روایت شما").fill("سه پیش‌نویس فرستادم و خریدار پاسخ نداد.")
    form.locator("input[type=file]").set_input_files(str(answer))
    screenshot(page, "orders-dispute-respond")
    page.get_by_test_id("dispute-respond").click()
    expect(page.get_by_test_id("dispute-response")).to_contain_text("سه پیش‌نویس فرستادم")
    expect(page.get_by_test_id("evidence")).to_contain_text("پاسخ.pdf")

    switch_user(page, staff.email)
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    page.get_by_role("link", name="رسیدگی به اختلاف").first.click()
    expect(page.get_by_test_id("admin-dispute-response")).to_contain_text("سه پیش‌نویس فرستادم")
    expect(page.get_by_test_id("admin-evidence")).to_contain_text("گفتگو.pdf")
    expect(page.get_by_test_id("admin-evidence")).to_contain_text("پاسخ.pdf")
    page.get_by_label("تقسیم میان خریدار و متخصص").check()
    page.get_by_label("مبلغ برگشتی به خریدار در تقسیم (تومان)").fill("۸۰٬۰۰۰")
    page.get_by_label("یادداشت برای هر دو طرف").fill("پیش‌نویس‌ها فرستاده شده بود اما کار کامل نشد.")
    screenshot(page, "orders-dispute-admin-evidence")
    page.get_by_test_id("resolve-submit").click()
    expect(page.locator(".messagelist")).to_contain_text("به اختلاف رسیدگی شد")

    expert_net = 1_200_000 - 120_000
    for user, testid, amount in ((buyer, "available", 800_000), (expert, "pending", expert_net)):
        switch_user(page, user.email)
        page.goto(f"/orders/{order.pk}/")
        expect(page.get_by_test_id("dispute-outcome")).to_contain_text("پیش‌نویس‌ها فرستاده شده بود")
        page.goto("/wallet/")
        expect(page.get_by_test_id(testid)).to_have_text(format_toman(amount))
        screenshot(page, f"orders-dispute-split-wallet-{testid}")
    call_command("check_ledger")
    assert page.offsite == []
