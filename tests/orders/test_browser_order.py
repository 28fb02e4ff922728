"""The core loop in a browser: order, pay in the sandbox bank, send requirements with a file; the expert
delivers a file; the buyer downloads and confirms; the expert's wallet shows the money; the ledger is sound."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from azmoodegan.persian import format_toman
from escrow.actions import commission_calculate
from orders.models import Order
from services.models import RequirementQuestion, Service
from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in, switch_user
from tests.services.factories import PackageFactory, RequirementQuestionFactory, ServiceFactory, expert_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_order_pay_requirements_deliver_confirm(page, tmp_path):
    expert = expert_user(display_name="علی رضایی")
    buyer = UserFactory(first_name="مریم", last_name="کاظمی")
    service = ServiceFactory(owner=expert, status=Service.Status.PUBLISHED, title="بررسی قرارداد اجاره")
    package = PackageFactory(service=service, price=1_200_000, delivery_days=3, revisions=1)
    RequirementQuestionFactory(service=service, kind=RequirementQuestion.Kind.TEXT, text="قرارداد برای کدام شهر است؟")
    contract = tmp_path / "قرارداد.pdf"
    contract.write_bytes(PDF)
    report = tmp_path / "گزارش.pdf"
    report.write_bytes(PDF + b"% report\n")

    # The buyer picks the package and checks out.
    sign_in(page, buyer)
    page.goto(service.get_absolute_url())
    order_button = page.get_by_test_id("order").locator("visible=true").first
    expect(order_button).to_be_visible()  # no button, no test: a buyer could not order
    order_button.click()
    page.wait_for_url(f"**/orders/checkout/{package.pk}/")
    expect(page.get_by_test_id("total")).to_have_text("۱۲۰٬۰۰۰ تومان")
    expect(page.get_by_test_id("trust")).to_contain_text("نزد آزمودگان")
    screenshot(page, "orders-checkout")
    page.get_by_test_id("pay").click()

    # The sandbox bank: pay.
    expect(page.get_by_test_id("sandbox-bank")).to_be_visible()
    expect(page.get_by_test_id("amount")).to_contain_text("۱۲۰٬۰۰۰")
    screenshot(page, "orders-sandbox-bank")
    page.get_by_test_id("pay").click()

    # Back on our site: the requirements form with a Persian confirmation.
    page.wait_for_url("**/requirements/")
    expect(page.locator("#az-messages")).to_contain_text("تا تأیید دریافت خدمت")
    order = Order.objects.get(buyer=buyer)
    assert order.status == Order.Status.AWAITING_REQUIREMENTS
    page.get_by_label("قرارداد برای کدام شهر است؟").fill("تهران")
    page.fill("#id_description", "لطفاً بندهای فسخ و ودیعه را با دقت بررسی کنید.")
    # Typing saves a draft by itself (htmx); a reload keeps it.
    expect(page.locator("#az-draft-status")).to_contain_text("پیش‌نویس ذخیره شد")
    page.reload()
    expect(page.locator("#id_description")).to_have_value("لطفاً بندهای فسخ و ودیعه را با دقت بررسی کنید.")
    expect(page.get_by_label("قرارداد برای کدام شهر است؟")).to_have_value("تهران")
    page.set_input_files("#id_files", str(contract))
    screenshot(page, "orders-requirements")
    page.get_by_test_id("submit-requirements").click()
    expect(page.get_by_test_id("status")).to_have_text("در حال انجام")
    expect(page.get_by_test_id("countdown")).to_contain_text("۲ روز و ۲۳ ساعت")
    screenshot(page, "orders-buyer-in-progress")

    # The expert finds it in the received orders and delivers a file.
    switch_user(page, expert.email)
    page.goto("/dashboard/orders/")
    screenshot(page, "orders-received")
    page.get_by_text("بررسی قرارداد اجاره").first.click()
    expect(page.get_by_text("بندهای فسخ و ودیعه")).to_be_visible()
    expect(page.get_by_test_id("file")).to_have_text("قرارداد.pdf")
    page.fill("#id_message", "بررسی انجام شد؛ گزارش پیوست است.")
    page.set_input_files("#id_files", str(report))
    screenshot(page, "orders-expert-deliver")
    page.get_by_test_id("deliver").click()
    expect(page.get_by_test_id("status")).to_have_text("تحویل‌شده")

    # The buyer downloads the delivery and confirms.
    switch_user(page, buyer.email)
    page.goto(f"/orders/{order.pk}/")
    with page.expect_download() as download:
        page.get_by_test_id("delivery-file").click()
    assert download.value.suggested_filename == "گزارش.pdf"
    assert io.BytesIO(open(download.value.path(), "rb").read()).read().startswith(b"%PDF")
    screenshot(page, "orders-buyer-delivered")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(page, "orders-buyer-delivered-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    # «تأیید دریافت خدمت» asks once more in a modal before the money moves.
    page.get_by_test_id("confirm").click()
    modal = page.locator("#az-confirm-modal")
    expect(modal).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("تحویل‌شده")
    screenshot(page, "orders-confirm-modal")
    modal.get_by_test_id("confirm-final").click()
    expect(page.get_by_test_id("status")).to_have_text("تکمیل‌شده")
    expect(page.get_by_test_id("timeline")).to_contain_text("تأیید شد")
    screenshot(page, "orders-completed")

    # The expert's wallet shows price − commission, in Persian digits.
    switch_user(page, expert.email)
    page.goto("/wallet/")
    expected = format_toman(1_200_000 - commission_calculate(1_200_000))
    expect(page.get_by_test_id("pending")).to_have_text(expected)
    screenshot(page, "orders-expert-wallet")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"/orders/{order.pk}/")
    screenshot(page, "orders-expert-completed-360")

    call_command("check_ledger")
    assert page.offsite == []
