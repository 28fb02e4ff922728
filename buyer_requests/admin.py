"""Staff moderation: the queue of waiting public requests, hiding any request or offer with a reason.

Staff change `moderation` (and write the reason) on a request, or tick `hidden` (with a reason) on an
offer; saving goes through `buyer_requests.actions`, which records an event and tells the buyer.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from azmoodegan.admin import ReadOnlyInline

from . import actions
from .exceptions import RequestError
from .models import BuyerRequest, Offer, OfferEvent, RequestEvent, RequestFile


class RequestEventInline(ReadOnlyInline):
    model = RequestEvent
    fields = ("created_at", "actor", "from_status", "to_status", "note")


class RequestFileInline(ReadOnlyInline):
    model = RequestFile
    fields = ("original_name", "size", "content_type", "created_at")


class OfferEventInline(ReadOnlyInline):
    model = OfferEvent
    fields = ("created_at", "actor", "from_status", "to_status", "note")


class WaitingFilter(admin.SimpleListFilter):
    title = _("review queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for review")), ("flagged", _("Contact details found"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(moderation=BuyerRequest.Moderation.PENDING)
        if self.value() == "flagged":
            return queryset.exclude(flag_kinds=[])
        return queryset


@admin.register(BuyerRequest)
class BuyerRequestAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "buyer", "category", "status", "moderation", "offer_count", "created_at")
    list_filter = (WaitingFilter, "moderation", "status", "kind")
    search_fields = ("title", "buyer__email")
    list_select_related = ("buyer", "category")
    date_hierarchy = "created_at"
    inlines = [RequestFileInline, RequestEventInline]
    fields = ("kind", "buyer", "expert", "category", "title", "description", "budget_min", "budget_max",
              "deadline_days", "status", "flag_kinds", "offer_count", "expires_at", "moderation",
              "moderation_reason")
    readonly_fields = tuple(f for f in fields if f not in ("moderation", "moderation_reason"))
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Show the selected requests"))
    def approve(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            actions.request_moderate(request_id=pk, staff=request.user, approve=True)
        messages.success(request, _("The requests are shown."))

    def save_model(self, request, obj, form, change):
        if "moderation" not in form.changed_data and "moderation_reason" not in form.changed_data:
            return
        try:
            actions.request_moderate(request_id=obj.pk, staff=request.user,
                                     approve=obj.moderation == BuyerRequest.Moderation.APPROVED,
                                     reason=obj.moderation_reason)
        except RequestError as exc:
            messages.error(request, exc.message)


class OfferFlaggedFilter(admin.SimpleListFilter):
    title = _("review queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("flagged", _("Contact details found"))]

    def queryset(self, request, queryset):
        if self.value() == "flagged":
            return queryset.exclude(flag_kinds=[])
        return queryset


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("title", "expert", "buyer", "request", "price", "status", "hidden", "flag_kinds", "created_at")
    list_filter = (OfferFlaggedFilter, "status", "hidden")
    search_fields = ("title", "expert__email", "buyer__email")
    list_select_related = ("expert", "buyer", "request")
    inlines = [OfferEventInline]
    fields = ("request", "expert", "buyer", "service", "title", "text_marked", "price", "delivery_days",
              "revisions", "expires_at", "status", "order", "flag_kinds", "hidden", "hidden_reason")
    readonly_fields = tuple(f for f in fields if f not in ("hidden", "hidden_reason"))

    @admin.display(description=_("description"))
    def text_marked(self, obj):
        """The description with what the contact detector matched marked (as in flagged messages)."""
        from messaging.admin import highlighted_text
        from messaging.contact import detect

        return highlighted_text(obj.description, detect(obj.description).spans)

    class Media:
        css = {"all": ("css/messaging.css",)}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.hidden and "hidden" in form.changed_data:
            try:
                actions.offer_hide(offer_id=obj.pk, staff=request.user, reason=obj.hidden_reason)
            except RequestError as exc:
                messages.error(request, exc.message)
