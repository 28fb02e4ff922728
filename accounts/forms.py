import re

from django import forms
from django.utils.translation import gettext_lazy as _

from azmoodegan.persian import LocalizedDigitsCharField
from azmoodegan.uploads import clean_image, validate_image

from .models import ExpertProfile
from .validators import normalize_mobile, normalize_national_code, normalize_sheba

_LIST_SPLIT = re.compile(r"[,،\n]+")


class ListField(forms.CharField):
    """A comma-separated list (Latin or Persian comma) typed in one box."""

    def __init__(self, *, max_items: int, item_max_length: int = 40, **kwargs):
        self.max_items = max_items
        self.item_max_length = item_max_length
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "، ".join(value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        items = []
        for part in _LIST_SPLIT.split(text):
            item = " ".join(part.split())
            if item and item not in items:
                items.append(item)
        if len(items) > self.max_items:
            raise forms.ValidationError(
                _("At most %(n)s items, separated by commas.") % {"n": self.max_items}, code="too_many"
            )
        if any(len(item) > self.item_max_length for item in items):
            raise forms.ValidationError(
                _("Each item may be at most %(n)s characters.") % {"n": self.item_max_length}, code="too_long"
            )
        return items


class ExpertProfileForm(forms.ModelForm):
    skills = ListField(
        label=_("Skills"), max_items=15, help_text=_("Separate with commas, for example: tax law, contracts")
    )
    languages = ListField(label=_("Languages"), max_items=8, help_text=_("For example: Persian, English"))
    mobile = LocalizedDigitsCharField(
        label=_("Mobile number"), max_length=20, help_text=_("Seen only by Azmoodegan staff.")
    )
    national_code = LocalizedDigitsCharField(
        label=_("National code"), max_length=20, required=False,
        help_text=_("Needed before your first payout; never shown to buyers."),
    )
    sheba = forms.CharField(
        label=_("Sheba number"), max_length=40, required=False,
        help_text=_("The bank account your earnings are paid to: IR and 24 digits."),
    )
    avatar = forms.FileField(
        label=_("Avatar"), required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB and 4000×4000 pixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = ExpertProfile
        fields = [
            "display_name", "headline", "bio", "avatar", "skills", "languages", "city", "mobile",
            "national_code", "sheba",
        ]
        labels = {
            "display_name": _("Display name"),
            "headline": _("Headline"),
            "bio": _("About you"),
            "city": _("City"),
        }
        help_texts = {
            "display_name": _("The name buyers see, for example: Dr. Sara Ahmadi"),
            "headline": _("One line on what you do best, for example: Corporate lawyer, 12 years of experience"),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])

    def clean_national_code(self):
        value = self.cleaned_data.get("national_code")
        return normalize_national_code(value) if value else ""

    def clean_sheba(self):
        value = self.cleaned_data.get("sheba")
        return normalize_sheba(value) if value else ""

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload or not hasattr(upload, "content_type"):
            return None  # nothing new uploaded: keep the current avatar
        validate_image(upload)
        return clean_image(upload, max_side=512, name="avatar")

    def profile_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if data["avatar"] is None:
            data.pop("avatar")
        return data
