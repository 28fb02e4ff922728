"""Staff see every order, its timeline and files; changes go through `orders.actions` only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Order, OrderEvent, OrderFile


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "actor", "kind", "from_status", "to_status", "note")
    readonly_fields = fields


class OrderFileInline(ReadOnlyInline):
    model = OrderFile
    fields = ("created_at", "kind", "original_name", "size", "content_type", "uploaded_by")
    readonly_fields = fields


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ("created_at", "message")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "buyer", "expert", "status", "total", "due_at", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("id", "title", "buyer__email", "expert__email")
    list_select_related = ("buyer", "expert")
    date_hierarchy = "created_at"
    inlines = [OrderEventInline, DeliveryInline, OrderFileInline]
    readonly_fields = [f.name for f in Order._meta.fields]
    fieldsets = (
        (None, {"fields": ("buyer", "expert", "service", "package", "status")}),
        (_("Snapshot"), {"fields": ("title", "package_tier", "package_title", "package_description", "price",
                                    "buyer_fee", "total", "delivery_days", "revisions_allowed", "revisions_used")}),
        (_("Requirements"), {"fields": ("requirement_answers", "requirements_description", "requirements_draft")}),
        (_("Dates"), {"fields": ("created_at", "paid_at", "requirements_at", "due_at", "delivered_at",
                                 "completed_at", "cancelled_at", "updated_at")}),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
