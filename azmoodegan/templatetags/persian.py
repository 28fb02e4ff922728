"""Template filters for Persian display; registered as a builtin in settings."""

import re

from django import template
from django.utils.html import format_html

from azmoodegan import persian

register = template.Library()
_DECIMAL_POINT = re.compile(r"(?<=[۰-۹])\.(?=[۰-۹])")


@register.filter
def fa_digits(value):
    """Every digit in the value as a Persian digit, and the Persian decimal separator: `4.4` → `۴٫۴`."""
    return "" if value is None else _DECIMAL_POINT.sub("٫", persian.to_persian_digits(value))


@register.filter
def fa_number(value):
    """A whole number with Persian digits and thousands separators."""
    if value in (None, ""):
        return ""
    return persian.format_number(value)


@register.filter
def toman(rials):
    """An amount stored in Rials shown as Toman: ۱۲۰٬۰۰۰ تومان."""
    if rials in (None, ""):
        return ""
    return persian.format_toman(rials)


@register.filter
def toman_number(rials):
    """The Toman figure alone, for inputs and tables with a unit in the header."""
    if rials in (None, ""):
        return ""
    return persian.format_number(persian.rials_to_toman(rials))


@register.filter
def jdate(value):
    return persian.jalali_date(value)


@register.filter
def jdatetime(value):
    return persian.jalali_datetime(value)


@register.filter
def ago(value):
    return persian.relative_time(value)


@register.filter(is_safe=True)
def bdi(value):
    """A user-supplied name or title isolated from the Persian line around it: `<bdi>probe.buyer1</bdi>`.

    Without isolation a Latin name pulls the neighbouring digits and separators into its own
    left-to-right run («سفارش ۴ · probe.buyer1 · ۳۰۰٬۰۰۰ تومان» comes out reordered).
    """
    if value in (None, ""):
        return ""
    return format_html("<bdi>{}</bdi>", value)
