"""In a browser: both sides review a completed order; the buyer's review stays hidden from the expert
until the expert has written theirs; the service page shows it with the new average in Persian
digits; the expert replies; staff hide it in the admin and the average returns."""

import pytest
from playwright.sync_api import expect

from reviews.checks import check_ratings
from reviews.models import Review
from services.models import Service
from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in, switch_user
from tests.services.factories import PackageFactory, ServiceFactory, expert_user

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stars(page, name, value):
    page.locator(f"label[for=id_{name}_{value}]").click()


def test_double_blind_reviews_reply_and_staff_hiding(page, mobile_page):
    expert = expert_user(display_name="علی رضایی")
    service = ServiceFactory(owner=expert, status=Service.Status.PUBLISHED, title="بررسی قرارداد اجاره")
    package = PackageFactory(service=service, price=1_200_000)
    # An earlier, published review of 5 stars: the page shows ۵٫۰ before this journey.
    earlier = f.completed_order(package=package)
    f.buyer_review(earlier, 5, text="عالی و سریع")
    f.expert_review(earlier)
    buyer = UserFactory(first_name="مریم", last_name="کاظمی")
    order = f.completed_order(package=package, buyer=buyer)
    staff = UserFactory(is_staff=True, is_superuser=True)

    page.goto(service.get_absolute_url())
    expect(page.get_by_test_id("service-rating")).to_contain_text("۵٫۰ (۱ نظر)")

    # The buyer is invited on the order page and reviews.
    sign_in(page, buyer)
    page.goto(order.get_absolute_url())
    page.get_by_test_id("write-review").click()
    page.get_by_test_id("submit-review").click()  # nothing chosen: Persian errors beside the stars
    expect(page.locator("#id_rating_error")).to_contain_text("از یک تا پنج ستاره انتخاب کنید.")
    stars(page, "rating", 2)
    stars(page, "communication", 3)
    stars(page, "as_described", 2)
    stars(page, "on_time", 4)
    page.fill("#id_text", "<b>کند</b> بود و چند بار پیگیری کردم.")
    screenshot(page, "reviews-buyer-form")
    page.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("my-review-status")).to_contain_text("نظر شما ثبت شد")

    # The expert sees that a review exists, not what it says, until writing theirs.
    switch_user(page, expert.email)
    page.goto(order.get_absolute_url())
    expect(page.get_by_test_id("other-hidden")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("چند بار پیگیری کردم")
    page.get_by_test_id("write-review").click()
    stars(page, "rating", 4)
    page.fill("#id_text", "خریدار توضیحات کامل داد.")
    page.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("review-box-buyer")).to_contain_text("<b>کند</b> بود")  # shown as text
    screenshot(page, "reviews-order-page-expert")

    # The service page: the review with the new average in Persian digits.
    page.goto(service.get_absolute_url())
    expect(page.get_by_test_id("service-rating")).to_contain_text("۳٫۵ (۲ نظر)")
    expect(page.get_by_test_id("reviews-average")).to_have_text("۳٫۵")
    expect(page.get_by_test_id("distribution")).to_contain_text("۲ ستاره")
    review = Review.objects.get(order=order, side="buyer")
    item = page.locator(f"#review-{review.pk}")
    expect(item).to_contain_text("مریم کاظمی")
    expect(item).to_contain_text("تا ۵۰۰٬۰۰۰ تومان")

    # The expert replies once, publicly.
    item.get_by_test_id("reply-link").click()
    page.fill("#id_text", "از بازخورد شما سپاسگزارم؛ روند پیگیری را بهتر می‌کنم.")
    page.get_by_test_id("submit-reply").click()
    expect(page.locator(f"#review-{review.pk}").get_by_test_id("reply")).to_contain_text("سپاسگزارم")
    screenshot(page, "reviews-service-page")

    # On a phone the section reads right too.
    mobile_page.goto(service.get_absolute_url() + "#reviews")
    expect(mobile_page.get_by_test_id("reviews")).to_be_visible()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    screenshot(mobile_page, "reviews-service-page-mobile")

    # Staff hide it in the admin with a reason; the average returns at once.
    switch_user(page, staff.email)
    page.goto(f"/admin/reviews/review/{review.pk}/change/")
    page.check("#id_hidden")
    page.fill("#id_hidden_reason", "نظر پس از شکایت فروشنده بررسی شد و شامل اطلاعات نادرست بود.")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    page.goto(service.get_absolute_url())
    expect(page.get_by_test_id("service-rating")).to_contain_text("۵٫۰ (۱ نظر)")
    expect(page.locator(f"#review-{review.pk}")).to_have_count(0)
    review.refresh_from_db()
    assert review.hidden_reason.startswith("نظر پس از شکایت") and review.hidden_by_id == staff.pk
    assert check_ratings() == []
    assert page.offsite == []
