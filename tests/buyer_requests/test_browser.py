"""In a browser: a public request gets two offers, compared side by side, one accepted and paid in the
sandbox bank; a custom request from a service page becomes an offer, accepted and paid."""

import pytest
from playwright.sync_api import expect

from buyer_requests.models import BuyerRequest, Offer
from notifications.models import Notification
from orders.models import Order
from tests.conftest import screenshot, sign_in, switch_user
from tests.services.factories import SubCategoryFactory

from .factories import buyer, expert_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def send_offer(page, *, title, description, price, days, revisions):
    page.fill("#id_title", title)
    page.fill("#id_description", description)
    page.fill("#id_price", price)
    page.fill("#id_delivery_days", days)
    page.fill("#id_revisions", revisions)
    page.fill("#id_expiry_days", "۷")
    page.get_by_test_id("send-offer").click()


def pay_in_sandbox(page):
    expect(page.get_by_test_id("sandbox-bank")).to_be_visible()
    page.get_by_test_id("pay").click()
    page.wait_for_url("**/requirements/")


def test_public_request_two_offers_compare_accept_pay(page):
    cat = SubCategoryFactory(name="طراحی لوگو")
    b = buyer(first_name="مریم", last_name="کاظمی")
    e1 = expert_in(cat, display_name="علی رضایی")
    e2 = expert_in(cat, display_name="سارا محمدی")

    # The buyer posts a request; the budget upside down is refused beside the field, the text kept.
    sign_in(page, b)
    page.goto("/requests/new/")
    page.select_option("#id_category", str(cat.pk))
    page.fill("#id_title", "لوگوی نانوایی سنتی")
    page.fill("#id_description", "یک لوگوی ساده و گرم برای نانوایی سنتی محله، مناسب تابلو و کیسهٔ نان.")
    page.fill("#id_budget_min", "۳۰۰٬۰۰۰")
    page.fill("#id_budget_max", "۱۰۰٬۰۰۰")
    page.fill("#id_deadline_days", "۱۰")
    page.get_by_test_id("submit-request").click()
    expect(page.locator("#id_budget_max_error")).to_contain_text("بیشترین بودجه")
    expect(page.locator("#id_description")).to_have_value("یک لوگوی ساده و گرم برای نانوایی سنتی محله، مناسب تابلو و کیسهٔ نان.")
    page.fill("#id_budget_max", "۱٬۰۰۰٬۰۰۰")
    screenshot(page, "requests-new")
    page.get_by_test_id("submit-request").click()
    expect(page.get_by_test_id("request-title")).to_have_text("لوگوی نانوایی سنتی")
    req = BuyerRequest.objects.get()

    # Two experts find it on the board and send offers.
    for expert, price, days, revisions in ((e1, "۹۰۰٬۰۰۰", "۵", "۲"), (e2, "۶۵۰٬۰۰۰", "۸", "۱")):
        switch_user(page, expert.email)
        page.goto("/")
        page.get_by_test_id("user-menu").click()
        page.get_by_test_id("requests-board").click()
        if expert == e1:
            screenshot(page, "requests-board")
            page.set_viewport_size({"width": 360, "height": 740})
            screenshot(page, "requests-board-mobile")
            page.set_viewport_size({"width": 1280, "height": 900})
        else:
            # Sara sees Ali's offer counted at once, and no "you sent an offer" of his.
            expect(page.get_by_test_id("board-offer-count")).to_have_text("۱ پیشنهاد")
            expect(page.get_by_test_id("board-offered")).to_have_count(0)
        page.get_by_test_id("board-item").filter(has_text="لوگوی نانوایی سنتی").click()
        if expert == e1:
            screenshot(page, "requests-board-request-expert")
        send_offer(page, title=f"لوگو در سه طرح از {expert.display_name}",
                   description="سه طرح اولیه، یک طرح نهایی با فایل لایه‌باز و راهنمای رنگ.", price=price, days=days,
                   revisions=revisions)
        expect(page.get_by_test_id("offer-price")).to_contain_text(price)
    assert Offer.objects.filter(request=req).count() == 2
    # Back on the board, Ali sees his own mark (the board's HTML is shared; the mark is his).
    switch_user(page, e1.email)
    page.goto("/requests/board/")
    expect(page.get_by_test_id("board-offer-count")).to_have_text("۲ پیشنهاد")
    expect(page.get_by_test_id("board-offered")).to_have_text("پیشنهاد فرستاده‌اید")
    screenshot(page, "requests-board-offered")

    # The buyer compares them side by side and accepts Ali's.
    switch_user(page, b.email)
    page.goto("/")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("my-requests").click()
    page.get_by_text("لوگوی نانوایی سنتی").click()
    cards = page.get_by_test_id("offer-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).get_by_test_id("offer-price")).to_have_text("۶۵۰٬۰۰۰ تومان")  # cheapest first
    expect(cards.nth(1).get_by_test_id("offer-days")).to_have_text("۵ روز")
    expect(cards.nth(1).get_by_test_id("offer-response")).to_have_text("هنوز اندازه‌گیری نشده")
    screenshot(page, "requests-compare")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "requests-compare-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})
    cards.filter(has_text="علی رضایی").get_by_test_id("accept").click()
    expect(page.get_by_test_id("snapshot")).to_contain_text("۹۰۰٬۰۰۰ تومان")
    screenshot(page, "requests-offer-checkout")
    page.get_by_test_id("pay").click()
    pay_in_sandbox(page)

    order = Order.objects.get()
    assert order.status == Order.Status.AWAITING_REQUIREMENTS
    assert (order.price, order.delivery_days, order.revisions_allowed, order.expert_id) == (9_000_000, 5, 2, e1.pk)
    page.goto(order.get_absolute_url())
    expect(page.get_by_text("لوگو در سه طرح از علی رضایی").first).to_be_visible()
    expect(page.get_by_test_id("total")).to_contain_text(f"{order.total // 10:,}".replace(",", "٬")
                                                         .translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    screenshot(page, "requests-order-from-offer")
    req.refresh_from_db()
    assert req.status == BuyerRequest.Status.ACCEPTED
    assert Notification.objects.filter(recipient=e2, kind="offer_declined").count() == 1
    assert Notification.objects.filter(recipient=e1, kind="offer_accepted").count() == 1

    # Sara sees her offer was not chosen, on her dashboard.
    switch_user(page, e2.email)
    page.goto("/offers/")
    expect(page.get_by_test_id("my-offers-list")).to_contain_text("رد شد")
    screenshot(page, "requests-my-offers")
    assert page.offsite == []


def test_custom_request_from_a_service_page_becomes_a_paid_order(page):
    cat = SubCategoryFactory()
    e = expert_in(cat, display_name="رضا کریمی")
    service = e.services.get()
    b = buyer()

    sign_in(page, b)
    page.goto(service.get_absolute_url())
    page.get_by_test_id("custom-request").first.click()
    page.fill("#id_title", "ترجمهٔ قرارداد اجاره")
    page.fill("#id_description", "قرارداد اجارهٔ دو صفحه‌ای را به انگلیسی رسمی ترجمه کنید.")
    page.fill("#id_budget_min", "۲۰۰۰۰۰")
    page.fill("#id_budget_max", "۴۰۰۰۰۰")
    page.fill("#id_deadline_days", "3")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "requests-custom-form-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_test_id("submit-request").click()
    expect(page.get_by_test_id("request-title")).to_have_text("ترجمهٔ قرارداد اجاره")
    req = BuyerRequest.objects.get(kind="custom")
    assert req.service_id == service.pk and req.conversation.expert_id == e.pk

    # The expert finds it in the conversation with the buyer and opens it from there.
    switch_user(page, e.email)
    page.goto(req.conversation.get_absolute_url())
    expect(page.get_by_test_id("conversation-offers")).to_contain_text("ترجمهٔ قرارداد اجاره")
    expect(page.get_by_text("درخواست سفارشی «ترجمهٔ قرارداد اجاره»")).to_be_visible()
    screenshot(page, "requests-custom-in-conversation")
    page.get_by_test_id("conversation-offers").get_by_role("link", name="ترجمهٔ قرارداد اجاره").click()
    send_offer(page, title="ترجمهٔ رسمی قرارداد", description="ترجمهٔ کامل دو صفحه با یک بار بازبینی و فایل Word.",
               price="۳۵۰۰۰۰", days="۲", revisions="۱")
    offer = Offer.objects.get(request=req)
    assert offer.price == 3_500_000

    switch_user(page, b.email)
    page.goto(req.get_absolute_url())
    page.get_by_test_id("accept").click()
    page.get_by_test_id("pay").click()
    pay_in_sandbox(page)
    order = Order.objects.get()
    assert order.service_id == service.pk and order.price == 3_500_000 and order.package_title == "ترجمهٔ رسمی قرارداد"
    assert order.status == Order.Status.AWAITING_REQUIREMENTS
