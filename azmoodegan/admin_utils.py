"""The Django admin for Persian staff: Jalali dates, Persian digits, Toman amounts, Persian names.

`install()` (called from `AzmoodeganConfig.ready()`, after every app's admin module is loaded) makes
the whole admin speak one way without touching each ModelAdmin:

- every date and date-time value in change lists and read-only fields is a Jalali date with
  Persian digits (`۴ آذر ۱۴۰۵، ساعت ۱۴:۰۵`), and every number has Persian digits;
- money fields (integer fields whose verbose name ends in "(Rials)") show as Toman with «٬»
  (`۱۲۰٬۰۰۰ تومان`) and their column heading says Toman;
- date filters offer today, the last 7 days, this Jalali month and this Jalali year;
- the Gregorian `date_hierarchy` drill-down is replaced by that filter;
- allauth's two apps get names distinct from ours (both were «حساب‌ها»).

`PersianAdminMixin` is there for admins that want the same on their own callables:
`@admin.display` methods returning datetimes or ints go through the same formatting.
"""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
from django import forms
from django.contrib.admin import filters as admin_filters
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from azmoodegan import persian

_installed = False


def _english(text) -> str:
    with translation.override(None):
        return str(text)


def is_money_field(field) -> bool:
    return isinstance(field, models.IntegerField) and "(Rials)" in _english(getattr(field, "verbose_name", ""))


def format_admin_value(value, field=None):
    """The admin's text for one value, or None to leave it to Django."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return persian.jalali_datetime(value)
    if isinstance(value, dt.date):
        return persian.jalali_date(value)
    if field is not None and is_money_field(field) and isinstance(value, int):
        return persian.format_toman(value)
    if isinstance(value, int):
        # Ids, counts and positions: Persian digits, no thousands separator for ids.
        return persian.to_persian_digits(value) if field is not None and field.primary_key else persian.format_number(value)
    return None


def _wrap_display_for_field(original):
    def display_for_field(value, field, empty_value_display, *args, **kwargs):
        if getattr(field, "flatchoices", None):
            return persian.to_persian_digits(original(value, field, empty_value_display, *args, **kwargs))
        text = format_admin_value(value, field)
        if text is not None:
            return text
        result = original(value, field, empty_value_display, *args, **kwargs)
        if isinstance(value, float | int) and not isinstance(value, bool):
            return persian.to_persian_digits(result)
        return result

    display_for_field.az_wrapped = True
    return display_for_field


def _wrap_display_for_value(original):
    def display_for_value(value, empty_value_display, *args, **kwargs):
        text = format_admin_value(value)
        return text if text is not None else original(value, empty_value_display, *args, **kwargs)

    display_for_value.az_wrapped = True
    return display_for_value


def _wrap_label_for_field(original):
    def label_for_field(name, model, model_admin=None, return_attr=False, form=None):
        result = original(name, model, model_admin, return_attr, form)
        label = result[0] if return_attr else result
        if str(label) == "ID":  # Django's automatic primary key is named «ID» in English only
            result = (_("ID"), result[1]) if return_attr else _("ID")
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - callables and properties have no model field
            return result
        if not is_money_field(field):
            return result
        toman = str(_("Toman"))
        if return_attr:
            label, attr = result
            return str(label).replace(str(_("Rials")), toman), attr
        return str(result).replace(str(_("Rials")), toman)

    label_for_field.az_wrapped = True
    return label_for_field


class JalaliDateFieldListFilter(admin_filters.DateFieldListFilter):
    """Today, the last 7 days, this Jalali month and this Jalali year (instead of Gregorian ones)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        today = timezone.localdate()
        j = jdatetime.date.fromgregorian(date=today)
        month_start = jdatetime.date(j.year, j.month, 1)
        next_month = jdatetime.date(j.year + (j.month == 12), j.month % 12 + 1, 1)
        year_start, next_year = jdatetime.date(j.year, 1, 1), jdatetime.date(j.year + 1, 1, 1)
        is_datetime = isinstance(field, models.DateTimeField)

        def bound(day: dt.date):
            if not is_datetime:
                return day
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

        since, until = self.lookup_kwarg_since, self.lookup_kwarg_until
        tomorrow = today + dt.timedelta(days=1)
        links = [
            (_("Any date"), {}),
            (_("Today"), {since: bound(today), until: bound(tomorrow)}),
            (_("Past 7 days"), {since: bound(today - dt.timedelta(days=7)), until: bound(tomorrow)}),
            (
                _("This month (%(month)s)") % {"month": persian.JALALI_MONTHS[j.month - 1]},
                {since: bound(month_start.togregorian()), until: bound(next_month.togregorian())},
            ),
            (
                _("This year (%(year)s)") % {"year": persian.to_persian_digits(j.year)},
                {since: bound(year_start.togregorian()), until: bound(next_year.togregorian())},
            ),
        ]
        self.links = (*links, *self.links[5:])  # keep Django's "No date" / "Has date" for nullable fields


_JALALI_INPUT = re.compile(r"^\s*(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?\s*$")


def parse_jalali(text: str, *, with_time: bool):
    """`۱۴۰۵/۰۹/۰۴ ۱۴:۰۵` (any digits) → an aware datetime in Tehran time, or a date; None if empty."""
    text = persian.to_ascii_digits(text or "").strip()
    if not text:
        return None
    m = _JALALI_INPUT.match(text)
    if not m:
        raise ValueError(text)
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    gregorian = jdatetime.date(year, month, day).togregorian()
    if not with_time:
        return gregorian
    hour, minute = int(m[4] or 0), int(m[5] or 0)
    return timezone.make_aware(dt.datetime.combine(gregorian, dt.time(hour, minute)))


def format_jalali_input(value, *, with_time: bool) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        j = jdatetime.datetime.fromgregorian(datetime=local)
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}" + (f" {j.hour:02d}:{j.minute:02d}" if with_time else "")
    else:
        j = jdatetime.date.fromgregorian(date=value)
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return persian.to_persian_digits(text)


class JalaliDateInput(forms.TextInput):
    with_time = False

    def __init__(self, attrs=None):
        placeholder = "۱۴۰۵/۰۹/۰۴ ۱۴:۰۵" if self.with_time else "۱۴۰۵/۰۹/۰۴"
        super().__init__({"placeholder": placeholder, "dir": "ltr", "class": "vTextField", **(attrs or {})})

    def format_value(self, value):
        return format_jalali_input(value, with_time=self.with_time)


class JalaliDateTimeInput(JalaliDateInput):
    with_time = True


class JalaliDateField(forms.Field):
    """A date typed in Jalali (Persian, Arabic-Indic or Latin digits) in the admin."""

    widget = JalaliDateInput
    with_time = False

    def __init__(self, *args, **kwargs):
        for unused in ("input_formats",):
            kwargs.pop(unused, None)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        try:
            return parse_jalali(value, with_time=self.with_time)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a Jalali date such as ۱۴۰۵/۰۹/۰۴%(time)s.") % {"time": " ۱۴:۰۵" if self.with_time else ""},
                code="invalid",
            ) from None


    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        return format_jalali_input(initial, with_time=self.with_time) != format_jalali_input(new, with_time=self.with_time)


class JalaliDateTimeField(JalaliDateField):
    widget = JalaliDateTimeInput
    with_time = True


class PersianAdminMixin:
    """For a ModelAdmin's own `@admin.display` callables: `self.fa(value)` formats like the rest."""

    @staticmethod
    def fa(value, field=None):
        text = format_admin_value(value, field)
        return text if text is not None else value


PERMISSION_ACTIONS = {"add": _("Add"), "change": _("Change"), "delete": _("Delete"), "view": _("View")}


def _persian_permission_names() -> None:
    """Django stores permission names in English («Can add order»); the staff pages show them in Persian."""
    from django.contrib.auth.models import Permission

    def __str__(self):
        action, _sep, model_name = self.codename.partition("_")
        model = self.content_type.model_class()
        if action in PERMISSION_ACTIONS and model is not None and model._meta.model_name == model_name:
            return f"{self.content_type} | {PERMISSION_ACTIONS[action]} {model._meta.verbose_name}"
        return f"{self.content_type} | {self.name}"

    Permission.__str__ = __str__


def install(site=None) -> None:
    global _installed
    if _installed:
        return
    _installed = True
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.admin import helpers, utils
    from django.contrib.admin.templatetags import admin_list

    for module in (utils, helpers, admin_list):
        if hasattr(module, "display_for_field"):
            module.display_for_field = _wrap_display_for_field(module.display_for_field)
        if hasattr(module, "display_for_value"):
            module.display_for_value = _wrap_display_for_value(module.display_for_value)
        if hasattr(module, "label_for_field"):
            module.label_for_field = _wrap_label_for_field(module.label_for_field)

    # Editable dates in change forms are typed and shown in Jalali (not Django's Gregorian calendar widget).
    from django.contrib.admin import options

    django_defaults = {k: options.FORMFIELD_FOR_DBFIELD_DEFAULTS[k] for k in (models.DateTimeField, models.DateField)}
    jalali = {models.DateTimeField: {"form_class": JalaliDateTimeField}, models.DateField: {"form_class": JalaliDateField}}
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS.update(jalali)

    admin_filters.FieldListFilter.register(
        lambda f: isinstance(f, models.DateField), JalaliDateFieldListFilter, take_priority=True
    )

    site = site or admin.site
    for model_admin in site._registry.values():
        # Admins registered before this ran copied Django's defaults: give them the Jalali fields
        # unless they chose their own.
        for klass, default in django_defaults.items():
            if model_admin.formfield_overrides.get(klass) == default:
                model_admin.formfield_overrides[klass] = dict(jalali[klass])
        hierarchy = model_admin.date_hierarchy
        if hierarchy:
            model_admin.date_hierarchy = None
            if hierarchy not in model_admin.list_filter:
                model_admin.list_filter = (*model_admin.list_filter, hierarchy)

    _persian_permission_names()

    for label, name in {"account": _("Sign-in emails"), "mfa": _("Two-step sign-in")}.items():
        if apps.is_installed(f"allauth.{label}"):
            apps.get_app_config(label).verbose_name = name
    if apps.is_installed("allauth.mfa"):
        # allauth's model has no verbose names: the admin would say «Authenticators», «type», «created at».
        opts = apps.get_model("mfa", "Authenticator")._meta
        opts.verbose_name, opts.verbose_name_plural = _("Authenticator"), _("Authenticators")
        labels = {"user": _("user"), "type": _("type"), "data": _("data"), "created_at": _("created at"),
                  "last_used_at": _("last used at")}
        for name, label in labels.items():
            opts.get_field(name).verbose_name = label
