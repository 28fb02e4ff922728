"""Staff see every order, its timeline and files; changes go through `orders.actions` only.

The one thing staff do here is resolve a dispute: an intermediate page on the order
(`<id>/resolve/`, reached from the order, the dispute list or the "resolve" action) that calls
`orders.actions.order_dispute_resolve`, as the parties' pages call the other actions.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from azmoodegan.admin import ReadOnlyInline
from azmoodegan.persian import format_toman, to_persian_digits
from escrow import ledger

from . import actions
from .exceptions import OrderError
from .forms import DisputeResolveForm
from .models import Delivery, Dispute, ExtensionRequest, Order, OrderEvent, OrderFile


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "actor", "event", "from_status", "to_status", "note")
    readonly_fields = fields

    @admin.display(description=_("event"))
    def event(self, obj):
        return obj.label  # the Persian label, not the raw kind code


class OrderFileInline(ReadOnlyInline):
    model = OrderFile
    fields = ("created_at", "kind", "original_name", "size", "content_type", "uploaded_by")


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ("created_at", "message")


class ExtensionRequestInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = ("created_at", "requested_by", "days", "reason", "status", "previous_due_at", "new_due_at",
              "decided_at")


class DisputeInline(ReadOnlyInline):
    model = Dispute
    fields = ("created_at", "opened_by", "reason", "outcome", "buyer_amount", "expert_amount", "note",
              "resolved_by", "resolved_at")


def resolve_url(order_id: int) -> str:
    return reverse("admin:orders_order_resolve", args=[order_id])


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "buyer", "expert", "status", "total", "due_at", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("id", "title", "buyer__email", "expert__email")
    list_select_related = ("buyer", "expert")
    date_hierarchy = "created_at"
    inlines = [DisputeInline, ExtensionRequestInline, OrderEventInline, DeliveryInline, OrderFileInline]
    readonly_fields = [*(f.name for f in Order._meta.fields), "dispute_link", "package_tier_label"]
    actions = ["resolve_dispute"]
    fieldsets = (
        (None, {"fields": ("buyer", "expert", "service", "package", "status", "dispute_link")}),
        (_("Snapshot"), {"fields": ("title", "package_tier_label", "package_title", "package_description", "price",
                                    "buyer_fee", "total", "delivery_days", "revisions_allowed", "revisions_used")}),
        (_("Requirements"), {"fields": ("requirement_answers", "requirements_description", "requirements_draft")}),
        (_("Dates"), {"fields": ("created_at", "paid_at", "requirements_at", "due_at", "delivered_at",
                                 "completed_at", "cancelled_at", "updated_at")}),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("package tier"))
    def package_tier_label(self, obj):
        from services.models import Package

        try:
            return Package.Tier(obj.package_tier).label
        except ValueError:
            return obj.package_tier or "—"  # an offer's order has no catalogue tier

    @admin.display(description=_("Dispute"))
    def dispute_link(self, obj):
        if obj is None or obj.status != Order.Status.DISPUTED:
            return "—"
        return format_html('<a class="button" href="{}">{}</a>', resolve_url(obj.pk), gettext("Resolve the dispute"))

    @admin.action(description=_("Resolve the dispute of the selected order"), permissions=["change"])
    def resolve_dispute(self, request, queryset):
        orders = list(queryset[:2])
        if len(orders) != 1 or orders[0].status != Order.Status.DISPUTED:
            self.message_user(request, gettext("Select exactly one order that is in dispute."), messages.WARNING)
            return None
        return redirect(resolve_url(orders[0].pk))

    def get_urls(self):
        own = [path("<int:order_id>/resolve/", self.admin_site.admin_view(self.resolve_view),
                    name="orders_order_resolve")]
        return own + super().get_urls()

    def resolve_view(self, request, order_id: int):
        """Staff decide a dispute: refund, release or split, with a note both parties read."""
        order = Order.objects.select_related("buyer", "expert", "dispute__opened_by").filter(pk=order_id).first()
        if order is None or order.dispute_or_none is None:
            raise Http404
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        dispute = order.dispute
        change_url = reverse("admin:orders_order_change", args=[order.pk])
        if dispute.is_resolved:
            self.message_user(request, gettext("This dispute has already been resolved."), messages.WARNING)
            return redirect(change_url)
        form = DisputeResolveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.order_dispute_resolve(
                    order_id=order.pk, actor=request.user, outcome=form.cleaned_data["outcome"],
                    buyer_amount=form.buyer_amount_rials(), note=form.cleaned_data["note"],
                )
            except OrderError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                self.message_user(request, gettext("The dispute was resolved and both parties were emailed."),
                                  messages.SUCCESS)
                return redirect(change_url)
        held = ledger.escrow_balance(order.pk)
        release = actions.dispute_settlement(Dispute.Outcome.RELEASE, held=held, buyer_fee=order.buyer_fee,
                                             commission_percent=order.commission_percent)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Resolve the dispute of order %(id)s") % {"id": to_persian_digits(order.pk)},
            "opts": self.model._meta, "original": order, "order": order, "dispute": dispute, "form": form,
            "held": format_toman(held), "fee": format_toman(release.fee_kept) if release.fee_kept else "",
            "price_part": format_toman(release.expert),
            "release_net": format_toman(release.expert_net),
            "commission": format_toman(release.commission),
            "events": order.events.select_related("actor").order_by("created_at", "id"),
            "evidence": order.files.filter(kind=OrderFile.Kind.EVIDENCE).order_by("created_at", "id"),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/orders/order/resolve_dispute.html", context)


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    """Disputes, open ones first; resolving happens on the order's resolve page."""

    list_display = ("order", "opened_by", "created_at", "outcome", "resolved_at", "resolve")
    list_filter = ("outcome", "created_at")
    search_fields = ("order__id", "order__title", "opened_by__email")
    list_select_related = ("order", "opened_by")
    readonly_fields = [*(f.name for f in Dispute._meta.fields), "resolve"]

    def get_queryset(self, request):
        # Open disputes (no resolution date) first, then the newest.
        return super().get_queryset(request).order_by("-resolved_at", "-created_at")

    @admin.display(description=_("Resolve"))
    def resolve(self, obj):
        if obj.is_resolved:
            return obj.get_outcome_display()
        return format_html('<a class="button" href="{}">{}</a>', resolve_url(obj.order_id),
                           gettext("Resolve the dispute"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
