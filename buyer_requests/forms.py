"""Forms of requests and offers: amounts typed in Toman with any digits, stored in Rials by the views."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from azmoodegan.persian import LocalizedIntegerField
from orders.forms import MultipleFileField
from services.models import Category


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


class _RequestFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120,
                            widget=forms.TextInput(attrs={"placeholder": _("For example: a logo for my bakery")}))
    description = forms.CharField(label=_("What do you need?"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    budget_min = LocalizedIntegerField(label=_("Budget from (Toman)"), min_value=1)
    budget_max = LocalizedIntegerField(label=_("Budget up to (Toman)"), min_value=1)
    deadline_days = LocalizedIntegerField(label=_("Wished delivery (days)"), min_value=1, max_value=90,
                                          error_messages={"min_value": _("The deadline must be between 1 and 90 days."),
                                                          "max_value": _("The deadline must be between 1 and 90 days.")})
    files = MultipleFileField(label=_("Files (optional)"), required=False,
                              help_text=_("Up to 5 files: PDF, images, Office documents, ZIP; 25 MB each."))
    confirm_contact = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low and high and high < low:
            self.add_error("budget_max", _("The highest budget cannot be lower than the lowest."))
        return data


class PublicRequestForm(_RequestFields):
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                   empty_label=_("Choose a category"),
                                   error_messages={"required": _("Please choose a category.")})
    field_order = ["category", "title", "description", "budget_min", "budget_max", "deadline_days", "files"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by(
            "parent__position", "parent_id", "position", "name")


class CustomRequestForm(_RequestFields):
    pass


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Offer title"), max_length=80)
    description = forms.CharField(label=_("What you will deliver"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    price = LocalizedIntegerField(label=_("Price (Toman)"), min_value=1)
    delivery_days = LocalizedIntegerField(label=_("Delivery (days)"))
    revisions = LocalizedIntegerField(label=_("Revisions"), initial="۱")
    expiry_days = LocalizedIntegerField(label=_("Valid for (days)"), initial="۷",
                                        help_text=_("Between 1 and 14 days."))
    confirm_contact = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None and len(services) > 1:
            self.fields["service"] = forms.ModelChoiceField(
                label=_("Under which of your services"), queryset=services, empty_label=None)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class BoardFilterForm(forms.Form):
    """The board's filters. `categories` is the expert's list (already read for the page): the choice
    is checked against it, so the form makes no query of its own."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    budget = LocalizedIntegerField(label=_("Budget at least (Toman)"), required=False, min_value=0)
    no_offers = forms.BooleanField(label=_("No offers yet"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All my categories"))] + [(c.pk, c.name) for c in categories]
