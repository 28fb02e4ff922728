"""Input shape of the order pages; business rules are in `orders.actions`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from azmoodegan.persian import LocalizedIntegerField, toman_to_rials
from azmoodegan.widgets import MultipleFileInput
from services.models import RequirementQuestion

from .filecheck import ACCEPT_ATTR, MAX_FILES
from .models import Dispute, ExtensionRequest


class MultipleFileField(forms.FileField):
    """Several files in one input; content checks happen in the action."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTR}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


FILES_HELP = _("Up to 10 files, 25 MB each: documents, images or archives.")


class RequirementsForm(forms.Form):
    """The service's questions (one field each, `q_<id>`), a free description and attachments."""

    description = forms.CharField(
        label=_("Describe what you need"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The more the expert knows, the better the result."),
    )
    files = MultipleFileField(label=_("Attachments"), required=False, help_text=FILES_HELP)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        fields = {}
        for q in self.questions:
            name = f"q_{q.pk}"
            if q.kind == RequirementQuestion.Kind.CHOICE:
                fields[name] = forms.ChoiceField(
                    label=q.text, required=q.required, choices=[("", "—"), *[(c, c) for c in q.choices]],
                )
            elif q.kind == RequirementQuestion.Kind.FILE:
                fields[name] = forms.FileField(
                    label=q.text, required=q.required, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
                )
            else:
                fields[name] = forms.CharField(
                    label=q.text, required=q.required, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                )
        if self.questions:  # the service already asks its questions: don't ask the same thing twice
            self.fields["description"].label = _("Anything else the expert should know?")
            self.fields["description"].help_text = ""
            self.fields["description"].widget.attrs["rows"] = 3
        # Questions first, in the expert's order, then the description and attachments.
        self.fields = {**fields, **self.fields}
        self.order_fields(list(fields) + ["description", "files"])

    def answers(self) -> dict[str, str]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {
            str(q.pk): data.get(f"q_{q.pk}") or ""
            for q in self.questions if q.kind != RequirementQuestion.Kind.FILE
        }

    def question_files(self) -> dict[str, object]:
        return {
            str(q.pk): self.cleaned_data.get(f"q_{q.pk}")
            for q in self.questions if q.kind == RequirementQuestion.Kind.FILE and self.cleaned_data.get(f"q_{q.pk}")
        }

    def raw_answers(self) -> dict[str, str]:
        """What was typed, valid or not (for the draft)."""
        return {
            str(q.pk): self.data.get(f"q_{q.pk}", "")
            for q in self.questions if q.kind != RequirementQuestion.Kind.FILE
        }


class DeliveryForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the buyer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(label=_("Delivery files"), required=False, help_text=FILES_HELP)


class RevisionForm(forms.Form):
    note = forms.CharField(
        label=_("What should change?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRequestForm(forms.Form):
    days = LocalizedIntegerField(
        label=_("How many more days?"), min_value=ExtensionRequest.MIN_DAYS, max_value=ExtensionRequest.MAX_DAYS,
        help_text=_("Between 1 and 30 days."),
    )
    reason = forms.CharField(
        label=_("Why do you need more time?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The buyer reads this before deciding."),
    )


class DecisionForm(forms.Form):
    """An answer to one request of the other side: its id (the one they read) and the button pressed."""

    request_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])

    def clean(self):
        data = super().clean()
        data["accept"] = data.get("decision") == "accept"
        return data


class ExtensionDecisionForm(DecisionForm):
    """The buyer's answer to the expert's request for more time."""


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What went wrong?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Our team reads the order's whole history and both sides before deciding."),
    )
    files = MultipleFileField(label=_("Evidence files"), required=False, help_text=FILES_HELP)


class DisputeResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your side of the story"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your side of the story.")},
    )
    files = MultipleFileField(label=_("Evidence files"), required=False, help_text=FILES_HELP)


class CancellationRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you want to cancel?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why you want to cancel, so the other side can decide.")},
    )

    def __init__(self, *args, **kwargs):
        # Other forms on the order page have a `reason` too: ids of its own keep labels unambiguous.
        kwargs.setdefault("auto_id", "id_cancellation_%s")
        super().__init__(*args, **kwargs)


class CancellationAnswerForm(DecisionForm):
    """The answer to the other side's request to cancel."""


class CheckoutForm(forms.Form):
    """Hidden fields of the checkout page: the total the buyer saw and the form's idempotency key."""

    expected_total = forms.IntegerField(required=False, min_value=0)
    key = forms.CharField(max_length=64)
    method = forms.ChoiceField(choices=[("gateway", "gateway"), ("wallet", "wallet")], required=False)


class DisputeResolveForm(forms.Form):
    """Staff's decision in the admin; the buyer's share is typed in Toman and passed on in Rials."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Dispute.Outcome.choices, widget=forms.RadioSelect)
    buyer_amount = LocalizedIntegerField(
        label=_("Refund to the buyer in a split (Toman)"), required=False, min_value=0,
        help_text=_("Only for a split: the rest of the price goes to the expert, minus commission."),
    )
    note = forms.CharField(
        label=_("Note to both parties"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Dispute.Outcome.SPLIT and data.get("buyer_amount") is None:
            self.add_error("buyer_amount", _("Enter the amount that goes back to the buyer."))
        return data

    def buyer_amount_rials(self) -> int | None:
        toman = self.cleaned_data.get("buyer_amount")
        return None if toman is None else toman_to_rials(toman)


__all__ = [
    "RequirementsForm", "DeliveryForm", "RevisionForm", "CancelForm", "ExtensionRequestForm",
    "ExtensionDecisionForm", "DisputeForm", "DisputeResolveForm", "MAX_FILES",
]
