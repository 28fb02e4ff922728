"""The expert's home in a browser: verify a mobile with the texted code (console backend) and see the badge,
upload a photo and a portfolio item, see a completed order's earnings in the dashboard chart, go on vacation
and see the order button replaced; save a service and find it in the saved list; the home page at 360 px."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from home.sms.console import OUTBOX
from orders import actions as order_actions
from services.models import Service
from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in
from tests.orders.factories import delivered_order
from tests.services.factories import ServiceFactory, expert_user, published_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png(tmp_path, name, size=(640, 420), color=(200, 120, 40)):
    path = tmp_path / name
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_expert_home_journey(page, tmp_path):
    expert = expert_user(display_name="سارا احمدی")
    service = published_service(owner=expert, title="بررسی قرارداد اجاره")
    order = delivered_order(service=ServiceFactory(owner=expert, status=Service.Status.PUBLISHED, title="مشاورهٔ مالیاتی"))
    order_actions.order_confirm(order_id=order.pk, actor=order.buyer)
    someone_elses = published_service(title="طراحی لوگوی فروشگاه")
    sign_in(page, expert)

    # Mobile: ask for a code, read it from the console backend, verify.
    page.goto("/account/trust/")
    page.fill("#id_mobile", "۰۹۱۲ ۳۴۵ ۶۷۸۹")
    page.click("[data-testid=send-code]")
    expect(page.locator("[data-testid=verify-code]")).to_be_visible()
    code = next(c for number, c in reversed(OUTBOX) if number == "09123456789")
    page.fill("#id_code", code)
    page.click("[data-testid=verify-code]")
    expect(page.locator("[data-testid=badge-mobile]")).to_be_visible()

    # Photo.
    page.set_input_files("#id_photo", str(png(tmp_path, "face.png", (900, 600))))
    page.click("[data-testid=save-photo]")
    expect(page.locator("[data-testid=photo-section] img.az-avatar")).to_be_visible()
    screenshot(page, "home-trust-settings")

    # Portfolio item.
    page.goto("/dashboard/portfolio/")
    page.fill("#id_title", "قرارداد اجارهٔ تجاری")
    page.fill("#id_description", "بازنویسی بندهای مبهم")
    page.set_input_files("#id_image", str(png(tmp_path, "work.png", color=(30, 90, 160))))
    page.click("[data-testid=add-portfolio]")
    expect(page.locator("[data-testid=portfolio-item]")).to_have_count(1)

    # Public profile: badge, face, portfolio.
    page.goto(f"/experts/{expert.pk}/")
    expect(page.locator("[data-testid=badge-mobile]")).to_have_text("شمارهٔ موبایل تأییدشده")
    expect(page.locator("[data-testid=expert-card] img.az-avatar")).to_be_visible()
    expect(page.locator("[data-testid=portfolio]")).to_contain_text("قرارداد اجارهٔ تجاری")
    screenshot(page, "home-public-profile")

    # Dashboard: this month's bar carries the completed order's earnings.
    page.goto("/dashboard/")
    earned = order.price - order.price * 10 // 100
    expect(page.locator(f"[data-testid=earnings-chart] rect[data-amount='{earned}']")).to_have_count(1)
    screenshot(page, "home-dashboard")

    # Save someone else's service and find it in the saved list.
    page.goto(someone_elses.get_absolute_url())
    page.locator("[data-testid=save-toggle]").first.click()
    expect(page.locator("[data-testid=save-toggle][aria-pressed=true]").first).to_be_visible()
    page.goto("/saved/")
    expect(page.locator("[data-testid=saved-list]")).to_contain_text("طراحی لوگوی فروشگاه")
    screenshot(page, "home-saved")

    # Vacation: the order button gives way to a note.
    page.goto("/account/trust/")
    import datetime as dt

    import jdatetime

    today = jdatetime.date.today()
    page.fill("#id_vacation_start", today.strftime("%Y/%m/%d"))
    page.fill("#id_vacation_end", (today + dt.timedelta(days=7)).strftime("%Y/%m/%d"))
    page.fill("#id_vacation_message", "تا هفتهٔ آینده در سفرم.")
    page.click("[data-testid=save-vacation]")
    expect(page.locator("[data-testid=on-vacation]")).to_be_visible()
    page.context.clear_cookies()
    page.goto(service.get_absolute_url())
    expect(page.locator("[data-testid=order]")).to_have_count(0)
    expect(page.locator("[data-testid=vacation-note]").first).to_contain_text("در مرخصی")
    screenshot(page, "home-vacation-service")
    assert not page.offsite


def test_home_page_at_360_within_three_screens(mobile_page):
    for i in range(6):
        published_service(title=f"خدمت نمونهٔ {i}")
    UserFactory()
    mobile_page.goto("/")
    expect(mobile_page.locator("[data-testid=home-search]")).to_be_visible()
    expect(mobile_page.locator("[data-testid=trust-figures]")).to_be_visible()
    height = mobile_page.evaluate("document.documentElement.scrollHeight")
    assert height <= 3 * 780, height
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(mobile_page, "home-360")
