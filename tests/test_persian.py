"""Persian helpers: digits, Toman, Jalali dates, relative times and the search normaliser."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from azmoodegan import persian

TEHRAN = ZoneInfo("Asia/Tehran")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_digit_round_trip(n):
    assert persian.to_ascii_digits(persian.to_persian_digits(n)) == str(n)
    assert persian.parse_integer(persian.format_number(abs(n))) == abs(n)


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_integer_accepts_every_digit_script(n):
    latin = f"{n:,}"
    arabic = persian.to_ascii_digits(latin).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert persian.parse_integer(latin) == n
    assert persian.parse_integer(persian.format_number(n)) == n
    assert persian.parse_integer(arabic.replace(",", "،")) == n


@pytest.mark.parametrize("bad", ["", "۱۲a", "12.5", "--3", "١٢٣x", "۱۲۳ تومان"])
def test_parse_integer_refuses_non_numbers(bad):
    with pytest.raises(ValueError):
        persian.parse_integer(bad)


def test_toman_is_rials_over_ten_with_persian_separators():
    assert persian.format_toman(1_200_000) == "۱۲۰٬۰۰۰ تومان"
    assert persian.format_toman(5_000_000_000) == "۵۰۰٬۰۰۰٬۰۰۰ تومان"


def test_jalali_date_and_datetime_in_tehran_time():
    assert persian.jalali_date(dt.date(2026, 11, 25)) == "۴ آذر ۱۴۰۵"
    assert persian.jalali_date(dt.date(2026, 3, 21)) == "۱ فروردین ۱۴۰۵"
    # 21:00 UTC on 24 Nov is already 25 Nov (00:30) in Tehran.
    late = dt.datetime(2026, 11, 24, 21, 0, tzinfo=dt.UTC)
    assert persian.jalali_date(late) == "۴ آذر ۱۴۰۵"
    assert persian.jalali_datetime(late) == "۴ آذر ۱۴۰۵، ساعت ۰۰:۳۰"


def test_relative_time():
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=TEHRAN)
    assert persian.relative_time(now - dt.timedelta(seconds=10), now) == "لحظاتی پیش"
    assert persian.relative_time(now - dt.timedelta(hours=3, minutes=5), now) == "۳ ساعت پیش"
    assert persian.relative_time(now - dt.timedelta(days=2), now) == "۲ روز پیش"
    assert persian.relative_time(now + dt.timedelta(days=3, hours=1), now) == "۳ روز دیگر"
    assert persian.relative_time(now - dt.timedelta(days=40), now) == persian.jalali_date(now - dt.timedelta(days=40))


def test_normaliser_folds_keyboard_variants_into_one_spelling():
    expected = persian.normalize_text("طراحی لوگو ۱۲۳")
    for variant in [
        "طراحي لوگو 123",  # Arabic yeh, Latin digits
        "طراحی‌لوگو ١٢٣",  # ZWNJ, Arabic-Indic digits
        "طـــراحی   لوگو ۱۲۳",  # tatweel, extra spaces
        "طَراحی لوگو ۱۲۳",  # diacritic
        "\u200fطراحی\u00a0لوگو ۱۲۳",  # direction mark, no-break space
    ]:
        assert persian.normalize_text(variant) == expected
    assert persian.normalize_text("كتاب") == persian.normalize_text("کتاب")


persian_text = st.text(
    alphabet=st.sampled_from(list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀ ‌ـًٌٍَُِّ۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789abcXYZ\t\n")),
    max_size=60,
)


@given(persian_text)
def test_normaliser_is_idempotent_and_canonical(text):
    once = persian.normalize_text(text)
    assert persian.normalize_text(once) == once
    assert not set(once) & set("يكـ\u200c۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")
    assert "  " not in once and once == once.strip()


class PriceForm(forms.Form):
    price = persian.LocalizedIntegerField(min_value=1)
    code = persian.LocalizedDigitsCharField()


@pytest.mark.parametrize(
    "typed,expected",
    [("۱۲۰٬۰۰۰", 120000), ("١٢٠,٠٠٠", 120000), ("120000", 120000), ("۱۲۰ ۰۰۰", 120000)],
)
def test_localized_integer_field_accepts_any_digits(typed, expected):
    form = PriceForm({"price": typed, "code": "۰۹۱۲"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"price": expected, "code": "0912"}


def test_localized_integer_field_error_is_persian():
    form = PriceForm({"price": "صد هزار", "code": "1"})
    assert not form.is_valid()
    assert form.errors["price"] == ["یک عدد صحیح وارد کنید، برای نمونه ۱۲۰٬۰۰۰."]
