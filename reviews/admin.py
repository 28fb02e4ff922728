"""Staff moderation of reviews: hide one with a reason (kept, visible to staff) through the same
action as everywhere else, so the totals follow in the same transaction."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import actions
from .exceptions import ReviewError
from .models import Review, ReviewReply, ReviewWindow


class ReviewAdminForm(forms.ModelForm):
    hidden = forms.BooleanField(label=_("Hidden from everyone but staff"), required=False)

    class Meta:
        model = Review
        fields = ["hidden_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hidden"].initial = bool(self.instance and self.instance.hidden_at)

    def clean(self):
        data = super().clean()
        if data.get("hidden") and not (data.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", _("Write why the review is hidden."))
        return data


class ReplyInline(admin.StackedInline):
    model = ReviewReply
    extra = 0
    can_delete = False
    readonly_fields = ("author", "text", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewAdminForm
    list_display = ("pk", "side", "rating", "author", "subject", "service", "published_at", "hidden_at")
    list_filter = ("side", "rating", ("published_at", admin.EmptyFieldListFilter),
                   ("hidden_at", admin.EmptyFieldListFilter))
    search_fields = ("text", "author__email", "subject__email", "service__title")
    list_select_related = ("author", "subject", "service")
    readonly_fields = ("order", "side", "author", "subject", "service", "rating", "communication", "as_described",
                       "on_time", "text", "package_title", "price_band", "created_at", "published_at",
                       "helpful_count", "hidden_at", "hidden_by")
    fields = readonly_fields[:-2] + ("hidden", "hidden_reason", "hidden_at", "hidden_by")
    inlines = [ReplyInline]
    raw_id_fields = ()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        hide = form.cleaned_data.get("hidden")
        reason = form.cleaned_data.get("hidden_reason", "")
        try:
            if hide:
                actions.review_hide(review_id=obj.pk, actor=request.user, reason=reason)
            elif Review.objects.filter(pk=obj.pk, hidden_at__isnull=False).exists():
                actions.review_unhide(review_id=obj.pk, actor=request.user)
            else:
                Review.objects.filter(pk=obj.pk).update(hidden_reason=reason)
        except ReviewError as exc:
            messages.error(request, exc.message)
        obj.refresh_from_db()


@admin.register(ReviewWindow)
class ReviewWindowAdmin(admin.ModelAdmin):
    list_display = ("order", "opened_at", "closes_at", "reminded_at", "published_at")
    readonly_fields = ("order", "opened_at", "closes_at", "reminded_at", "published_at")

    def has_add_permission(self, request):
        return False
