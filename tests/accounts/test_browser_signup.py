"""A person signs up, verifies by the emailed link, signs in and becomes an expert."""

import re

import pytest
from playwright.sync_api import expect

from ..conftest import screenshot
from .test_email_flow import wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Safe-and-sound-1405"


def test_signup_verify_login_become_expert(page, live_server, celery_worker_real, real_password_hasher):
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    assert "آزمودگان چطور کار می‌کند" in page.locator("h1").inner_text()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith("Vazirmatn")
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    screenshot(page, "home")

    page.get_by_role("link", name="ثبت‌نام").first.click()
    page.fill("input[name=email]", "Sima@Example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    screenshot(page, "signup")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert "نشانی ایمیل" in page.locator("h1").inner_text()

    message = wait_for_mail()
    found = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body)
    assert found, message.body
    link = found.group(0)
    page.goto(link)
    screenshot(page, "confirm-email")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # Signed in straight after confirming; sign out and back in as a person would.
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="ورود").first.is_visible()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "sima@example.com")
    page.fill("input[name=password]", "wrong-password")
    page.locator("main form button[type=submit]").click()
    assert "نادرست" in page.locator(".alert-danger").inner_text()
    assert page.input_value("input[name=login]") == "sima@example.com"
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    # Signed in with the password stored by production's hasher (the other tests use a fast one).
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    from django.contrib.auth.hashers import identify_hasher

    from accounts.models import User

    hasher = identify_hasher(User.objects.get(email="sima@example.com").password)
    assert f"{type(hasher).__module__}.{type(hasher).__name__}" == real_password_hasher
    assert hasher.algorithm != "md5"

    page.get_by_role("link", name="متخصص شوید").first.click()
    page.fill("#id_display_name", "سیما نوری")
    page.fill("#id_headline", "مترجم رسمی انگلیسی")
    page.fill("#id_bio", "ترجمه رسمی مدارک با دقت و سرعت.")
    page.fill("#id_skills", "ترجمه رسمی، ویرایش")
    page.fill("#id_mobile", "۰۹۱۲۳۴۵۶۷۸۹")
    page.fill("#id_national_code", "0499370898")  # wrong check digit
    page.locator("main form button[type=submit]").click()
    error = page.locator("#id_national_code_error")
    assert "کد ملی معتبر نیست" in error.inner_text()
    assert page.input_value("#id_display_name") == "سیما نوری"
    screenshot(page, "become-expert-error")
    page.fill("#id_national_code", "۰۴۹۹۳۷۰۸۹۹")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/expert/profile/")
    assert "پروفایل متخصصی شما آماده است" in page.locator("#az-messages").inner_text()
    since = page.locator("main").inner_text()
    assert re.search(r"متخصص از [۰-۹]+ [^\s]+ [۰-۹]{4}", since), since
    assert page.input_value("#id_mobile") == "09123456789"
    screenshot(page, "expert-profile")
    assert page.offsite == [], f"the pages asked for files off the site: {page.offsite}"


def test_home_page_fits_a_phone(mobile_page):
    mobile_page.goto("/")
    overflow = mobile_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the home page scrolls sideways on a 360 px phone"
    screenshot(mobile_page, "home-mobile")
