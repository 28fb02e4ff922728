"""The signup form's extra field (its own module: allauth imports it while building its forms)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupNameForm(forms.Form):
    """Signup asks for the name people will see (else the email's local part, often Latin, is shown)."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        required=False,
        help_text=_("Shown to experts and buyers beside your orders and messages, e.g. Sara Ahmadi."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("e.g. Sara Ahmadi")}),
    )

    def signup(self, request, user):
        name = " ".join(self.cleaned_data.get("display_name", "").split())
        if name:
            user.first_name, user.last_name = name, ""
            user.save(update_fields=["first_name", "last_name"])
