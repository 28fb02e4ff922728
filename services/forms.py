"""Input shapes of the catalogue's pages; every error is a Persian sentence beside its field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from azmoodegan.persian import (
    LocalizedIntegerField,
    format_number,
    rials_to_toman,
    to_persian_digits,
    toman_to_rials,
)
from azmoodegan.widgets import MultipleFileInput

from .actions import PackageData, QuestionData
from .exceptions import ServiceError
from .models import MAX_IMAGES, MAX_REVISIONS, Category, Package, RequirementQuestion, Service
from .validators import gallery_check_file, package_check


class CategoryChoiceField(forms.ModelChoiceField):
    """Sub-categories grouped under their main category (choices built per form, not at import)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.filter(parent__isnull=False), **kwargs)

    def set_grouped_choices(self) -> None:
        subs = Category.objects.filter(parent__isnull=False).select_related("parent").order_by(
            "parent__position", "parent__name", "position", "name")
        groups: dict[str, list] = {}
        for sub in subs:
            groups.setdefault(sub.parent.name, []).append((sub.pk, sub.name))
        self.choices = [("", _("Choose a category")), *groups.items()]


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleImageField, self).clean(f, initial) for f in files]
        for f in cleaned:
            try:
                gallery_check_file(f)
            except ServiceError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return cleaned


class ServiceForm(forms.Form):
    """Title, category, description and tags, plus the gallery controls."""

    title = forms.CharField(
        label=_("Title"), max_length=120, min_length=10,
        help_text=_("Say in one sentence what the buyer gets, e.g. “I review your rental contract”."),
    )
    category = CategoryChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("Description"), max_length=6000, min_length=50, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Explain clearly and precisely what you do, how, and what you need from the buyer."),
    )
    tags = forms.CharField(
        label=_("Search tags"), required=False, max_length=400,
        help_text=_("Up to 8 words buyers might search for, separated by commas."),
    )
    images = MultipleImageField(
        label=_("Add images"), required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB and 4000×4000 pixels each; at most 6 images."),
    )
    remove_images = forms.TypedMultipleChoiceField(label=_("Remove"), required=False, coerce=int, choices=())
    cover = forms.TypedChoiceField(label=_("Cover image"), required=False, coerce=int, empty_value=None, choices=())

    def __init__(self, *args, service: Service | None = None, existing_images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_grouped_choices()
        self.service = service
        self.existing_images = list(existing_images)
        ids = [(img.pk, str(img.pk)) for img in self.existing_images]
        self.fields["remove_images"].choices = ids
        self.fields["cover"].choices = ids

    def clean_tags(self):
        raw = self.cleaned_data.get("tags", "")
        return [t for t in (part.strip() for part in raw.replace("،", ",").split(",")) if t]

    def clean(self):
        data = super().clean()
        images = data.get("images") or []
        removed = set(data.get("remove_images") or [])
        remaining = len([img for img in self.existing_images if img.pk not in removed])
        if images and remaining + len(images) > MAX_IMAGES:
            self.add_error(
                "images",
                _("A service may have at most %(n)s images; please remove one first.") % {"n": to_persian_digits(MAX_IMAGES)},
            )
        return data


REVISION_CHOICES = [("unlimited", _("Unlimited"))] + [(str(i), to_persian_digits(i)) for i in range(MAX_REVISIONS + 1)]


class PackageForm(forms.Form):
    """One tier; the form's prefix is the tier (`basic-price`, `standard-price`, ...)."""

    enabled = forms.BooleanField(label=_("Offer this package"), required=False)
    title = forms.CharField(label=_("Package title"), max_length=80, required=False)
    description = forms.CharField(
        label=_("What is included"), max_length=1500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    price = LocalizedIntegerField(label=_("Price (Toman)"), required=False)
    delivery_days = LocalizedIntegerField(label=_("Delivery (days)"), required=False)
    revisions = forms.ChoiceField(label=_("Revisions"), choices=REVISION_CHOICES, initial="2")

    def __init__(self, *args, tier: str, **kwargs):
        super().__init__(*args, prefix=tier, **kwargs)
        self.tier = tier
        self.tier_label = Package.Tier(tier).label
        if tier == Package.Tier.BASIC:
            self.fields["enabled"].initial = True
            self.fields["enabled"].widget = forms.HiddenInput()
        for name in ("title", "description", "price", "delivery_days"):
            self.fields[name].widget.attrs["data-required-when-enabled"] = "1"

    @classmethod
    def initial_from(cls, package: Package | None) -> dict:
        if package is None:
            return {}
        return {
            "enabled": True, "title": package.title, "description": package.description,
            "price": format_number(rials_to_toman(package.price)),
            "delivery_days": to_persian_digits(package.delivery_days),
            "revisions": "unlimited" if package.revisions is None else str(package.revisions),
        }

    def clean(self):
        data = super().clean()
        enabled = self.tier == Package.Tier.BASIC or data.get("enabled")
        data["enabled"] = bool(enabled)
        if not enabled:
            return data
        for name, message in (
            ("title", _("Please give this package a title.")),
            ("description", _("Please say what this package includes.")),
            ("price", _("Please enter the price in Toman.")),
            ("delivery_days", _("Please enter the delivery time in days.")),
        ):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        if self.errors:
            return data
        try:
            package_check(self.package_data())
        except ServiceError as exc:
            self.add_error(exc.field.split("-", 1)[1] if exc.field else None, exc.message)
        return data

    def package_data(self) -> PackageData:
        d = self.cleaned_data
        revisions = d.get("revisions")
        price = d.get("price")
        # Toman → Rials; an absurd number stays absurd (and is refused) instead of overflowing.
        price_rials = toman_to_rials(price) if price is not None and abs(price) < 10**15 else 10**16
        return PackageData(
            tier=self.tier, title=d.get("title", ""), description=d.get("description", ""), price=price_rials,
            delivery_days=d.get("delivery_days") or 0,
            revisions=None if revisions in (None, "", "unlimited") else int(revisions),
        )


class FAQForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200, required=False)
    answer = forms.CharField(label=_("Answer"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        q, a = (data.get("question") or "").strip(), (data.get("answer") or "").strip()
        if q and not a:
            self.add_error("answer", _("Please write the answer to this question."))
        if a and not q:
            self.add_error("question", _("Please write the question."))
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question for the buyer"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Answer type"), choices=RequirementQuestion.Kind.choices,
                             initial=RequirementQuestion.Kind.TEXT)
    choices = forms.CharField(
        label=_("Choices"), required=False, max_length=1200, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For multiple choice: one choice per line."),
    )
    required = forms.BooleanField(label=_("The buyer must answer"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        data["choice_list"] = [c.strip() for c in (data.get("choices") or "").splitlines() if c.strip()]
        if data.get("text") and data.get("kind") == RequirementQuestion.Kind.CHOICE and len(data["choice_list"]) < 2:
            self.add_error("choices", _("Please write at least two choices, one per line."))
        return data

    def question_data(self) -> QuestionData:
        d = self.cleaned_data
        return QuestionData(kind=d.get("kind") or "text", text=d.get("text") or "", choices=d.get("choice_list", []),
                            required=bool(d.get("required")))


FAQFormSet = forms.formset_factory(FAQForm, extra=2, max_num=15, absolute_max=30)
QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, max_num=10, absolute_max=20)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=_("The expert will see this in their dashboard and in the email."),
    )
