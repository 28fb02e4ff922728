"""The withdrawal form of the wallet page."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_sheba
from azmoodegan.persian import LocalizedIntegerField


class WithdrawForm(forms.Form):
    amount = LocalizedIntegerField(
        label=_("Amount (Toman)"), min_value=1,
        error_messages={"required": _("Enter the amount to withdraw."),
                        "min_value": _("The amount must be more than zero.")},
    )
    sheba = forms.CharField(
        label=_("Sheba number"), max_length=40,
        help_text=_("IR followed by 24 digits; the account must be in your own name."),
        error_messages={"required": _("Enter the Sheba number of your bank account.")},
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, profile_sheba: str = "", **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["sheba"].widget.attrs.update({"dir": "ltr", "autocomplete": "off"})
        if profile_sheba:
            # The Sheba on the expert's profile is where money goes; it is changed on the profile.
            self.fields["sheba"].initial = profile_sheba
            self.fields["sheba"].disabled = True
            self.fields["sheba"].help_text = _("From your profile; change it there if it is wrong.")

    def clean_sheba(self):
        value = self.cleaned_data.get("sheba") or ""
        try:
            return normalize_sheba(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None

    def amount_rials(self) -> int:
        return int(self.cleaned_data["amount"]) * 10
