from django import forms
from django.utils.translation import gettext_lazy as _

from orders.filecheck import ACCEPT_ATTR
from orders.forms import MultipleFileField, MultipleFileInput

from .models import MAX_BODY, Report


class MessageForm(forms.Form):
    # Length and emptiness are checked by the action (Persian messages, typed text kept).
    body = forms.CharField(
        label=_("Your message"), required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_BODY + 1000, "dir": "auto",
                                     "placeholder": _("Write your message…")}),
    )
    files = MultipleFileField(
        label=_("Attachments"), required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTR}),
        help_text=_("Up to 5 files, 25 MB each: documents, images or archives."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you reporting this message?"), choices=Report.Reason.choices)
    note = forms.CharField(label=_("Details (optional)"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
