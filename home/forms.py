import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile, normalize_national_code
from azmoodegan.persian import LocalizedDigitsCharField, to_ascii_digits
from azmoodegan.uploads import validate_image

from .models import PortfolioItem

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
IMAGE_HELP = _("JPEG, PNG or WebP, at most 5 MB and 4000×4000 pixels.")


class MobileForm(forms.Form):
    mobile = LocalizedDigitsCharField(
        label=_("Mobile number"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
        help_text=_("We text you a 6-digit code."),
    )

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])


class CodeForm(forms.Form):
    code = LocalizedDigitsCharField(
        label=_("Code"), max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"}),
    )

    def clean_code(self):
        code = "".join(ch for ch in to_ascii_digits(self.cleaned_data["code"]) if ch.isdigit())
        if len(code) != 6:
            raise forms.ValidationError(_("The code has 6 digits."), code="code_length")
        return code


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), help_text=IMAGE_HELP,
                            widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))

    def clean_photo(self):
        upload = self.cleaned_data["photo"]
        validate_image(upload)
        return upload


class IdentityForm(forms.Form):
    national_code = LocalizedDigitsCharField(label=_("National code"), max_length=20)
    id_card = forms.FileField(label=_("Image of your national ID card"), help_text=_(
        "Seen only by Azmoodegan staff, to check your national code. JPEG, PNG or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))

    def clean_national_code(self):
        return normalize_national_code(self.cleaned_data["national_code"])

    def clean_id_card(self):
        upload = self.cleaned_data["id_card"]
        validate_image(upload)
        return upload


class DetailsForm(forms.Form):
    education = forms.CharField(
        label=_("Education and certificates"), required=False, max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: LL.M., University of Tehran; bar licence no. 12345"),
    )


class PortfolioForm(forms.ModelForm):
    image = forms.FileField(label=_("Image"), help_text=IMAGE_HELP,
                            widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))

    class Meta:
        model = PortfolioItem
        fields = ["title", "description", "image", "service"]
        labels = {"title": _("Title"), "description": _("Description"), "service": _("Related service (optional)")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        from services.models import Service

        self.fields["service"].queryset = Service.objects.filter(
            owner=owner, revision_of__isnull=True).exclude(status=Service.Status.DELETED).order_by("title")
        self.fields["service"].required = False
        if self.instance.pk:
            self.fields["image"].required = False

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload or not hasattr(upload, "content_type"):
            return self.instance.image if self.instance.pk else upload
        validate_image(upload)
        return upload


class JalaliDateField(forms.CharField):
    """A date typed as Jalali (۱۴۰۵/۰۹/۱۰) or Gregorian ISO (from a date picker), any digits."""

    def to_python(self, value):
        import jdatetime

        text = to_ascii_digits((value or "").strip()).replace("-", "/")
        if not text:
            return None
        parts = text.split("/")
        try:
            y, m, d = (int(p) for p in parts)
            return jdatetime.date(y, m, d).togregorian() if y < 1700 else dt.date(y, m, d)
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError(_("Enter a date such as ۱۴۰۵/۰۹/۲۰."), code="invalid_date") from exc


class VacationForm(forms.Form):
    vacation_start = JalaliDateField(label=_("First day"), widget=forms.TextInput(attrs={"dir": "ltr",
                                     "placeholder": "۱۴۰۵/۰۹/۲۰"}))
    vacation_end = JalaliDateField(label=_("Last day"), widget=forms.TextInput(attrs={"dir": "ltr",
                                   "placeholder": "۱۴۰۵/۰۹/۳۰"}))
    vacation_message = forms.CharField(label=_("Message to buyers"), max_length=300, required=False,
                                       help_text=_("For example: Back on 1 Dey; questions answered after that."))
