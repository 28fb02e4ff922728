"""Read-only admin for the ledger and payments: staff look, the domain functions write."""

from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from azmoodegan.admin import ReadOnlyInline

from .models import Account, Leg, Payment, Payout, Transfer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LegInline(ReadOnlyInline):
    model = Leg
    fields = ("account", "amount")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account", "account__owner")


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "owner", "order_ref", "gateway", "balance_display", "created_at")
    list_filter = ("kind",)
    search_fields = ("owner__email", "=order_ref", "gateway")
    list_select_related = ("owner",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(balance=Sum("legs__amount"))

    @admin.display(description=_("balance (Rials)"), ordering="balance")
    def balance_display(self, obj):
        return obj.balance or 0


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "idempotency_key", "order_ref", "actor", "created_at")
    list_filter = ("kind",)
    search_fields = ("idempotency_key", "=order_ref", "description")
    list_select_related = ("actor",)
    inlines = [LegInline]
    date_hierarchy = "created_at"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("id", "order_ref", "buyer", "amount", "gateway", "authority", "status", "ref_id", "created_at")
    list_filter = ("status", "gateway")
    search_fields = ("authority", "ref_id", "=order_ref", "buyer__email")
    list_select_related = ("buyer",)
    date_hierarchy = "created_at"


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "amount", "sheba", "status", "provider_ref", "created_at")
    list_filter = ("status",)
    search_fields = ("user__email", "sheba", "provider_ref")
    list_select_related = ("user",)
