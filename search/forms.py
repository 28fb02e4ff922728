"""The search form: every field optional, every bad value reported in Persian and ignored."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from azmoodegan.persian import LocalizedIntegerField, format_number
from reviews import search_filters as rep

from .selectors import category_choices, category_tree

SORT_CHOICES = [
    ("relevance", _("Most relevant")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("rating", _("Best rated")),
    ("delivery", _("Fastest delivery")),
    ("newest", _("Newest")),
]
RATING_CHOICES = [
    ("", _("Any rating")),
    ("4.5", _("4.5 stars and up")),
    ("4", _("4 stars and up")),
    ("3", _("3 stars and up")),
]
MAX_PRICE_TOMAN = 10**12


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, strip=True)
    category = forms.CharField(label=_("Category"), required=False)
    min_price = LocalizedIntegerField(label=_("Minimum price (Toman)"), required=False, min_value=0,
                                      max_value=MAX_PRICE_TOMAN)
    max_price = LocalizedIntegerField(label=_("Maximum price (Toman)"), required=False, min_value=0,
                                      max_value=MAX_PRICE_TOMAN)
    max_days = LocalizedIntegerField(label=_("Delivered within (days)"), required=False, min_value=1,
                                     max_value=365)
    min_rating = forms.TypedChoiceField(label=_("Rating"), required=False, choices=RATING_CHOICES,
                                        coerce=Decimal, empty_value=None)
    fast = forms.BooleanField(label=_("Answers within a day"), required=False)
    min_level = forms.ChoiceField(label=rep.LEVEL_LABEL, required=False, choices=rep.LEVEL_CHOICES)
    verified = forms.BooleanField(label=rep.VERIFIED_LABEL, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    error_messages = {
        "min_above_max": _("The minimum price (%(min)s Toman) is above the maximum (%(max)s Toman); "
                           "the price filter was not applied."),
        "unknown_category": _("We don't know that category; showing every category instead."),
        "unknown_sort": _("We don't know that order; showing the most relevant first."),
    }

    def __init__(self, *args, fixed_category=None, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_category = fixed_category
        self.version = version
        self.category_options = category_choices(version)
        self.fields["category"].widget = forms.Select(choices=[("", _("All categories")), *self.category_options])
        self.fields["sort"].error_messages["invalid_choice"] = self.error_messages["unknown_sort"]
        self.fields["min_rating"].error_messages["invalid_choice"] = _("Choose one of the ratings in the list.")
        self.fields["min_level"].error_messages["invalid_choice"] = rep.LEVEL_INVALID
        self.fields["max_days"].error_messages["max_value"] = _("Choose at most %(limit_value)s days.")
        for name in ("min_price", "max_price", "max_days"):
            self.fields[name].widget.attrs.setdefault("placeholder", "")

    def clean_q(self):
        return self.cleaned_data["q"][:200]

    def clean_category(self):
        slug = self.cleaned_data["category"]
        if self.fixed_category is not None:
            return self.fixed_category
        if not slug:
            return None
        node = category_tree(self.version).get(slug)
        if node is None:
            raise forms.ValidationError(self.error_messages["unknown_category"], code="unknown_category")
        return node

    def clean_sort(self):
        return self.cleaned_data["sort"] or "relevance"

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(None, forms.ValidationError(
                self.error_messages["min_above_max"], code="min_above_max",
                params={"min": format_number(low), "max": format_number(high)},
            ))
            data.pop("min_price", None)
            data.pop("max_price", None)
        return data

