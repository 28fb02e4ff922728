"""Input shape of the review pages; the rules themselves are in `reviews.actions`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from azmoodegan.persian import to_ascii_digits, to_persian_digits

from .models import MAX_REPLY, MAX_TEXT


class StarsWidget(forms.RadioSelect):
    template_name = "reviews/widgets/stars.html"

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return to_ascii_digits(value).strip() if isinstance(value, str) else value


class StarsField(forms.Field):
    """One to five stars; accepts Persian, Arabic-Indic and Latin digits."""

    widget = StarsWidget
    default_error_messages = {
        "required": _("Choose from one to five stars."),
        "invalid": _("Choose from one to five stars."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.choices = [(str(n), to_persian_digits(str(n))) for n in (1, 2, 3, 4, 5)]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            stars = int(to_ascii_digits(str(value)).strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not 1 <= stars <= 5:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return stars


def _text_field(label, limit, *, required=False, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=limit, strip=True, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": limit}),
        error_messages={
            "max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d)."),
            "required": _("Write your reply."),
        },
    )


class BuyerReviewForm(forms.Form):
    rating = StarsField(label=_("Overall"))
    communication = StarsField(label=_("Communication with the expert"))
    as_described = StarsField(label=_("Service as described"))
    on_time = StarsField(label=_("Delivered on time"))
    text = _text_field(_("Your experience (optional)"), MAX_TEXT,
                       help_text=_("What went well, what could be better: it helps other buyers."))


class ExpertReviewForm(forms.Form):
    rating = StarsField(label=_("Your rating of the buyer"))
    text = _text_field(_("Your experience with this buyer (optional)"), MAX_TEXT,
                       help_text=_("Other experts see it when this buyer orders or posts a request."))


class ReplyForm(forms.Form):
    text = _text_field(_("Your public reply"), MAX_REPLY, required=True)


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding"), widget=forms.Textarea(attrs={"rows": 3}))
