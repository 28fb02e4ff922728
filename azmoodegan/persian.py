"""Persian helpers in one place: digits, Toman, Jalali dates, relative times, text normalisation.

Templates reach them through the filters in `azmoodegan.templatetags.persian` (a builtin, so
no `{% load %}` is needed); forms through `LocalizedDigitsMixin` and the fields below.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

import jdatetime
from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ASCII_DIGITS = "0123456789"
THOUSANDS_SEPARATOR = "٬"  # U+066C ARABIC THOUSANDS SEPARATOR, the Persian convention
DECIMAL_SEPARATOR = "٫"  # U+066B

_TO_ASCII = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, ASCII_DIGITS * 2)
_TO_PERSIAN = str.maketrans(ASCII_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)

TOMAN = _("Toman")
AT_TIME = _("at")

JALALI_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)


def to_ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits become ASCII digits; everything else is kept."""
    return str(text).translate(_TO_ASCII)


def to_persian_digits(text: object) -> str:
    """ASCII and Arabic-Indic digits become Persian digits; everything else is kept."""
    return str(text).translate(_TO_PERSIAN)


def format_number(value: int) -> str:
    """`1234567` → `۱٬۲۳۴٬۵۶۷`."""
    return to_persian_digits(f"{int(value):,}".replace(",", THOUSANDS_SEPARATOR))


def format_duration(seconds: int) -> str:
    """A duration as a buyer reads it: «۴۵ دقیقه», «۳ ساعت» (under two days), «۵ روز»."""
    hours = seconds / 3600
    if hours < 1:
        return gettext("%s minutes") % format_number(max(1, round(seconds / 60)))
    if hours < 48:
        return gettext("%s hours") % format_number(round(hours))
    return gettext("%s days") % format_number(round(hours / 24))


def rials_to_toman(rials: int) -> int:
    return int(rials) // 10


def toman_to_rials(toman: int) -> int:
    return int(toman) * 10


def once_per_language(func):
    """A function of no arguments whose result (a translated text) is worked out once per active language
    and kept: for texts shown many times a page, where translating each time is measurable."""
    kept: dict[str | None, str] = {}

    def per_language() -> str:
        language = get_language()
        value = kept.get(language)
        if value is None:
            value = kept[language] = func()
        return value

    return functools.wraps(func)(per_language)


@once_per_language
def _toman_word() -> str:  # lists of orders and charts show many amounts
    return str(TOMAN)


def format_toman(rials: int) -> str:
    """Rials (as stored) shown as Toman: `1_200_000` → `۱۲۰٬۰۰۰ تومان`."""
    return f"{format_number(rials_to_toman(rials))} {_toman_word()}"


# --- Numbers typed by people ---------------------------------------------------------------------

# Separators people type inside numbers: comma, Arabic comma, Persian thousands sign, spaces,
# no-break and zero-width spaces, the apostrophe and underscore.
_NUMBER_NOISE = re.compile(r"[,\u060c\u066c\s\u00a0\u200c\u200f\u200e'_]")


def parse_integer(text: str) -> int:
    """Read a whole number typed with any digits and thousands separators.

    Raises ValueError for anything else (letters, fractions, empty input).
    """
    cleaned = _NUMBER_NOISE.sub("", to_ascii_digits(str(text)).strip())
    if not re.fullmatch(r"[+-]?\d+", cleaned):
        raise ValueError(text)
    return int(cleaned)


def digits_only(text: str) -> str:
    """All digits in `text` as ASCII, with every other character dropped (phone numbers, codes)."""
    return re.sub(r"\D", "", to_ascii_digits(str(text)))


# --- Dates ---------------------------------------------------------------------------------------


def _local(value: dt.datetime | dt.date) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def jalali_date(value: dt.datetime | dt.date | None) -> str:
    """`2026-11-25` → `۴ آذر ۱۴۰۵` (in Tehran time for aware datetimes)."""
    if value is None:
        return ""
    local = _local(value)
    day = local.date() if isinstance(local, dt.datetime) else local
    j = jdatetime.date.fromgregorian(date=day)
    return to_persian_digits(f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year}")


def jalali_datetime(value: dt.datetime | None) -> str:
    """`۴ آذر ۱۴۰۵، ساعت ۱۴:۰۵`."""
    if value is None:
        return ""
    local = _local(value)
    return f"{jalali_date(local)}، {AT_TIME} {to_persian_digits(local.strftime('%H:%M'))}"


def relative_time(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """`۳ ساعت پیش`, `۲ روز دیگر`, `لحظاتی پیش`; older than a month falls back to the Jalali date."""
    if value is None:
        return ""
    return RelativeTimes(now)(value)


class RelativeTimes:
    """`relative_time` for a list of values against one `now`: its words are translated once, not per value."""

    def __init__(self, now: dt.datetime | None = None):
        self.now = now or timezone.now()
        self.moments = (str(_("moments ago")), str(_("moments from now")))
        self.suffix = (str(_("ago")), str(_("from now")))
        self.units = ((86400 * 30, None), (86400, str(_("day"))), (3600, str(_("hour"))), (60, str(_("minute"))))

    def __call__(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        seconds = (self.now - value).total_seconds()
        future = seconds < 0
        seconds = abs(seconds)
        if seconds < 45:
            return self.moments[future]
        for size, unit in self.units:
            if seconds >= size:
                if unit is None:
                    return jalali_date(value)
                return f"{to_persian_digits(int(seconds // size))} {unit} {self.suffix[future]}"
        return f"{to_persian_digits(max(1, round(seconds / 60)))} {self.units[3][1]} {self.suffix[future]}"


# --- Text normalisation (DESIGN.md §5) -----------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf
        "ۀ": "ه",  # heh with yeh above
        "ة": "ه",  # teh marbuta
        "\u0640": None,  # tatweel
        "\u200c": " ",  # ZWNJ
        "\u200d": None,  # ZWJ
        "\u200e": None,  # LRM
        "\u200f": None,  # RLM
        "\ufeff": None,  # BOM
        "\u00a0": " ",  # no-break space
    }
)
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Fold the spellings of one Persian text into one form, for indexing and querying alike.

    Arabic yeh/kaf → Persian; diacritics, tatweel and direction marks removed; ZWNJ and every run
    of white space become one space; Persian and Arabic-Indic digits become ASCII; Latin letters
    are lower-cased. The function is idempotent.
    """
    text = unicodedata.normalize("NFKC", str(text)) if text else ""
    text = text.translate(_CHAR_MAP)
    text = _DIACRITICS.sub("", text)
    text = to_ascii_digits(text).lower()
    return _SPACES.sub(" ", text).strip()


# --- Forms ---------------------------------------------------------------------------------------


class LocalizedDigitsMixin:
    """Accept Persian, Arabic-Indic and Latin digits (and thousands separators) in a form field."""

    def to_python(self, value):
        if isinstance(value, str):
            value = to_ascii_digits(value).strip()
            if isinstance(self, forms.IntegerField):
                try:
                    value = str(parse_integer(value)) if value else value
                except ValueError:
                    pass  # the parent field reports the invalid number in Persian
        return super().to_python(value)


class LocalizedIntegerField(LocalizedDigitsMixin, forms.IntegerField):
    default_error_messages = {"invalid": _("Enter a whole number, for example 120,000.")}

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text box with a numeric keyboard: <input type=number> refuses Persian digits.
        attrs.update({"inputmode": "numeric", "dir": "ltr"})
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs.pop("step", None)
        return attrs

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class LocalizedDigitsCharField(LocalizedDigitsMixin, forms.CharField):
    """A text field whose digits are stored as ASCII (codes, phone numbers)."""
