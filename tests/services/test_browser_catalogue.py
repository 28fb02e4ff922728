"""An expert creates a service, staff approve it in the admin, a visitor sees it in Persian."""

import re

import pytest
from playwright.sync_api import expect

from services.models import Service
from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in

from .factories import SubCategoryFactory, expert_user, image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expert_creates_staff_approves_visitor_sees(page, browser, live_server, tmp_path):
    category = SubCategoryFactory(name="تنظیم قرارداد", parent__name="حقوقی")
    expert = expert_user(display_name="نرگس محمدی")
    staff = UserFactory(is_staff=True, is_superuser=True)
    cover = tmp_path / "cover.png"
    cover.write_bytes(image_bytes("PNG", (900, 600), (217, 119, 6)))

    # The expert creates a two-package service with an image and a requirement question.
    sign_in(page, expert)
    page.goto("/dashboard/services/")
    page.get_by_test_id("new-service").click()
    page.fill("#id_title", "بررسی و اصلاح قرارداد اجاره")
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_description", "قرارداد اجاره‌ی شما را بند به بند می‌خوانم و بندهای مبهم یا ناعادلانه را "
                                 "با پیشنهاد اصلاح و توضیح ساده مشخص می‌کنم.")
    page.fill("#id_tags", "قرارداد، اجاره")
    page.fill("#id_basic-title", "بررسی ساده")
    page.fill("#id_basic-description", "یک قرارداد تا ده صفحه")
    page.fill("#id_basic-price", "۱۲۰٬۰۰۰")
    page.fill("#id_basic-delivery_days", "۳")
    page.check("#id_standard-enabled")
    page.fill("#id_standard-title", "بررسی کامل")
    page.fill("#id_standard-description", "تا سه قرارداد و یک جلسه تلفنی")
    page.fill("#id_standard-price", "350000")
    page.fill("#id_standard-delivery_days", "5")
    page.select_option("#id_standard-revisions", "unlimited")
    page.set_input_files("#id_images", str(cover))
    page.fill("#id_q-0-text", "لطفاً قرارداد را پیوست کنید.")
    page.select_option("#id_q-0-kind", "file")
    screenshot(page, "catalogue-editor")
    page.get_by_test_id("save-preview").click()
    expect(page.get_by_test_id("preview-banner")).to_be_visible()
    screenshot(page, "catalogue-preview")
    page.get_by_role("button", name="ارسال برای بررسی").first.click()
    expect(page.locator("#az-messages")).to_contain_text("برای بررسی فرستاده شد")
    service = Service.objects.get(owner=expert)
    assert service.status == Service.Status.PENDING_REVIEW
    assert service.requirement_questions.get().kind == "file"
    screenshot(page, "catalogue-dashboard")

    # Staff approve it from the moderation queue in the admin.
    staff_context = browser.new_context(base_url=live_server.url, locale="fa-IR")
    staff_page = staff_context.new_page()
    sign_in(staff_page, staff)
    staff_page.goto("/admin/services/service/")
    row = staff_page.locator("#result_list tbody tr", has_text="بررسی و اصلاح قرارداد اجاره")
    row.locator("input.action-select").check()
    staff_page.select_option("select[name=action]", "approve_services")
    staff_page.locator("button[name=index], input[name=index]").first.click()
    expect(staff_page.locator("ul.messagelist")).to_contain_text("منتشر شد")
    screenshot(staff_page, "catalogue-admin")
    staff_context.close()
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED

    # An anonymous visitor opens the page and sees the price with Persian digits.
    visitor = browser.new_context(base_url=live_server.url, locale="fa-IR", viewport={"width": 1280, "height": 900})
    vpage = visitor.new_page()
    vpage.goto(service.get_absolute_url())
    expect(vpage.locator("h1")).to_have_text("بررسی و اصلاح قرارداد اجاره")
    prices = vpage.locator(".d-none.d-lg-block [data-testid=price]")
    expect(prices.first).to_have_text("۱۲۰٬۰۰۰ تومان")
    assert not re.search(r"[0-9]", prices.first.inner_text())
    screenshot(vpage, "catalogue-service")
    vpage.get_by_role("tab", name="استاندارد").last.click()
    expect(prices.nth(1)).to_be_visible()
    expect(prices.nth(1)).to_have_text("۳۵۰٬۰۰۰ تومان")
    vpage.goto(f"/categories/{category.slug}/")
    expect(vpage.get_by_test_id("service-card")).to_contain_text("۱۲۰٬۰۰۰ تومان")
    visitor.close()

    mobile = browser.new_context(base_url=live_server.url, locale="fa-IR", viewport={"width": 360, "height": 780},
                                 is_mobile=True, has_touch=True)
    mpage = mobile.new_page()
    mpage.goto(service.get_absolute_url())
    expect(mpage.locator(".d-lg-none [data-testid=price]").first).to_have_text("۱۲۰٬۰۰۰ تومان")
    assert mpage.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(mpage, "catalogue-service-360")
    mpage.goto("/")
    assert mpage.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(mpage, "catalogue-home-360")
    mobile.close()
    assert not page.offsite
