from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS, Email


def emailable_kinds():
    return [(k.name, k.text) for k in KINDS.values() if k.email == Email.DIGEST]


class PreferenceForm(forms.Form):
    digest_enabled = forms.BooleanField(
        label=_("Email me notices I have not read after a few minutes (grouped in one email)"), required=False
    )
    kinds = forms.MultipleChoiceField(
        label=_("Which notices may be emailed"), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Order emails (payment, delivery, disputes) are always sent."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(name, _kind_label(name)) for name, _text in emailable_kinds()]


# Short labels for the preference checkboxes; a kind without one shows its notice text.
LABELS = {
    "message_received": _("New messages"),
    "offer_received": _("Offers on my requests"),
}


def _kind_label(name: str):
    from .kinds import get

    return LABELS.get(name) or get(name).text
