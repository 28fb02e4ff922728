"""Two people side by side: a question from a service page, an answer that appears without a reload,
a contact-details warning sent anyway and flagged for staff, the order thread's system lines, the bell."""

import pytest
from playwright.sync_api import expect

from messaging.models import Message
from orders import actions as order_actions
from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in
from tests.orders.factories import in_progress_order, pdf
from tests.services.factories import expert_user, published_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def second_tab(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fa-IR", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return tab


def test_ask_answer_warn_order_thread_and_bell(page, browser, live_server, monkeypatch):
    # The open conversation polls every 4 s; the same poller every 0.5 s keeps the waits below short.
    monkeypatch.setattr("messaging.views.POLL_MS", 500)
    expert = expert_user(display_name="علی رضایی")
    buyer = UserFactory(first_name="مریم", last_name="کاظمی")
    service = published_service(owner=expert, title="بررسی قرارداد اجاره")
    staff = UserFactory(is_staff=True, is_superuser=True)
    expert_tab = second_tab(browser, live_server)

    # The buyer asks a question from the service page.
    sign_in(page, buyer)
    page.goto(service.get_absolute_url())
    page.get_by_test_id("contact-expert").click()
    expect(page.get_by_test_id("about-service")).to_contain_text("بررسی قرارداد اجاره")
    page.fill("textarea[name=body]", "سلام، قرارداد دو صفحه است؛ پکیج پایه کافی است؟")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("message")).to_have_count(1)
    expect(page.get_by_test_id("receipt").first).to_contain_text("فرستاده شد")

    # The expert sees the unread count in the header and in the inbox, and answers.
    sign_in(expert_tab, expert)
    expert_tab.goto("/")
    expect(expert_tab.get_by_test_id("messages-unread")).to_have_text("۱")
    expert_tab.get_by_test_id("nav-messages").click()
    expect(expert_tab.get_by_test_id("inbox-unread")).to_have_text("۱")
    screenshot(expert_tab, "messaging-inbox")
    expert_tab.get_by_test_id("inbox-row").first.click()
    expect(expert_tab.get_by_test_id("message")).to_contain_text("پکیج پایه کافی است؟")
    expect(expert_tab.get_by_test_id("messages-unread")).to_have_count(0)
    expert_tab.fill("textarea[name=body]", "سلام، بله کافی است. بعد از سفارش متن را بفرستید.")
    expert_tab.locator("input[name=files]").set_input_files(
        files=[{"name": "نمونه.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    expert_tab.get_by_test_id("send").click()
    expect(expert_tab.get_by_test_id("message")).to_have_count(2)
    expect(expert_tab.get_by_test_id("attachment")).to_have_text("نمونه.pdf")

    # The buyer sees the answer appear without reloading, and their message marked read.
    expect(page.get_by_test_id("message").nth(1)).to_contain_text("بله کافی است", timeout=15_000)
    expect(page.get_by_test_id("receipt").first).to_contain_text("خوانده شد")
    expect(page.get_by_test_id("attachment")).to_have_text("نمونه.pdf")
    with page.expect_download() as download:
        page.get_by_test_id("attachment").click()
    assert download.value.suggested_filename == "نمونه.pdf"
    # …and the expert sees the read receipt too, without reloading.
    expect(expert_tab.get_by_test_id("receipt").first).to_contain_text("خوانده شد", timeout=15_000)

    # A phone number in Persian digits: warned, the text kept, sent anyway, flagged for staff.
    page.fill("textarea[name=body]", "برای هماهنگی با ۰۹۱۲ ۱۲۳ ۴۵۶۷ تماس بگیرید")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("contact-warning")).to_be_visible()
    expect(page.locator("textarea[name=body]")).to_have_value("برای هماهنگی با ۰۹۱۲ ۱۲۳ ۴۵۶۷ تماس بگیرید")
    screenshot(page, "messaging-contact-warning")
    page.get_by_test_id("send-anyway").click()
    expect(page.get_by_test_id("message")).to_have_count(3)
    flagged = Message.objects.get(flagged=True)
    assert flagged.flag_kinds == ["phone"]
    expect(expert_tab.get_by_test_id("message").nth(2)).to_contain_text("۰۹۱۲ ۱۲۳ ۴۵۶۷", timeout=15_000)
    screenshot(page, "messaging-conversation")

    staff_tab = second_tab(browser, live_server)
    sign_in(staff_tab, staff)
    staff_tab.goto("/admin/messaging/message/?queue=flagged")
    expect(staff_tab.locator("mark.az-flag-hit")).to_have_text("۰۹۱۲ ۱۲۳ ۴۵۶۷")
    screenshot(staff_tab, "messaging-admin-flagged")
    staff_tab.context.close()

    # The order thread: a delivery appears as a system line on the order page.
    order = in_progress_order(buyer=buyer, service=service, tier="standard")
    order_actions.order_deliver(order_id=order.pk, actor=expert, message="گزارش پیوست است.", files=[pdf()])
    page.goto(f"/orders/{order.pk}/")
    thread = page.get_by_test_id("order-thread")
    expect(thread.get_by_test_id("system-line").last).to_contain_text("تحویل")
    thread.locator("textarea[name=body]").fill("ممنون، بررسی می‌کنم.")
    thread.get_by_test_id("send").click()
    expect(thread.get_by_test_id("message")).to_have_count(1)
    screenshot(page, "messaging-order-thread")

    # The bell counts the buyer's notices (paid, requirements, delivered…) and clears.
    page.goto("/")
    bell = page.get_by_test_id("bell-unread")
    expect(bell).to_be_visible()
    assert int(bell.inner_text().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))) >= 1
    page.get_by_test_id("nav-bell").click()
    expect(page.get_by_test_id("notification").first).to_be_visible()
    screenshot(page, "notifications-list")
    page.get_by_test_id("read-all").click()
    expect(page.get_by_test_id("bell-unread")).to_have_count(0)
    expert_tab.context.close()


def test_phone_width_inbox_and_conversation(mobile_page):
    from .factories import conversation

    buyer = UserFactory(first_name="مریم", last_name="کاظمی")
    conv = conversation(buyer=buyer, service=published_service(title="طراحی لوگوی فروشگاه"), messages=6)
    sign_in(mobile_page, buyer)
    mobile_page.goto("/messages/")
    expect(mobile_page.get_by_test_id("inbox-row")).to_have_count(1)
    screenshot(mobile_page, "messaging-inbox-mobile")
    mobile_page.goto(conv.get_absolute_url())
    expect(mobile_page.get_by_test_id("message")).to_have_count(6)
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(mobile_page, "messaging-conversation-mobile")
