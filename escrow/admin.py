"""Read-only admin for the ledger and payments: staff look, the domain functions write."""

import logging

from django.contrib import admin, messages
from django.db.models import Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from azmoodegan.admin import ReadOnlyInline
from azmoodegan.persian import format_toman, to_persian_digits

from .actions import payout_mark_failed, payout_mark_paid
from .models import Account, Leg, Payment, Payout, PayoutBatch, Transfer
from .payouts import paya_csv

logger = logging.getLogger(__name__)


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


GATEWAY_LABELS = {"sandbox": _("Sandbox bank (test)"), "zarinpal": _("Zarinpal"), "wallet": _("Wallet")}


def gateway_label(code: str) -> str:
    """A gateway's name for staff, not its code."""
    return str(GATEWAY_LABELS.get(code, code or "—"))


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "owner", "order_ref", "gateway_display", "balance_display", "created_at")

    @admin.display(description=_("gateway"), ordering="gateway")
    def gateway_display(self, obj):
        return gateway_label(obj.gateway)
    list_filter = ("kind",)
    search_fields = ("owner__email", "=order_ref", "gateway")
    list_select_related = ("owner",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(balance=Sum("legs__amount"))

    @admin.display(description=_("balance"), ordering="balance")
    def balance_display(self, obj):
        return format_toman(obj.balance or 0)


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
    list_display = ("id", "order_ref", "buyer", "amount", "gateway_display", "authority", "status", "ref_id",
                    "created_at")
    list_filter = ("status", "gateway")

    @admin.display(description=_("gateway"), ordering="gateway")
    def gateway_display(self, obj):
        return gateway_label(obj.gateway)
    search_fields = ("authority", "ref_id", "=order_ref", "buyer__email")
    list_select_related = ("buyer",)
    date_hierarchy = "created_at"


class PayoutInline(ReadOnlyInline):
    model = Payout
    fields = ("id", "user", "amount", "sheba", "status", "provider_ref", "decided_at")
    show_change_link = True


def _may_pay(request) -> bool:
    return request.user.is_active and request.user.is_staff and request.user.has_perm("escrow.change_payout")


def _csv_response(payouts, name: str) -> HttpResponse:
    response = HttpResponse(paya_csv(payouts), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    """Each batch the beat task handed to the provider; export it for the bank's group transfer (پایا)."""

    list_display = ("id", "provider", "count", "total", "created_at", "exported_at")
    inlines = [PayoutInline]
    actions = ["export_paya_csv"]

    @admin.action(description=_("Export for the bank's group transfer (Paya CSV)"), permissions=["pay"])
    def export_paya_csv(self, request, queryset):
        batches = list(queryset.order_by("id"))
        payouts = Payout.objects.filter(batch__in=batches).select_related("user", "user__expert_profile").order_by(
            "batch_id", "id")
        queryset.update(exported_at=timezone.now())
        names = "-".join(str(b.pk) for b in batches)[:60]
        return _csv_response(payouts, f"paya-batch-{names}.csv")

    def has_pay_permission(self, request):
        return _may_pay(request)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "amount", "sheba", "status", "batch", "provider_ref", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__email", "sheba", "provider_ref", "=id")
    list_select_related = ("user",)
    actions = ["mark_paid", "mark_failed", "export_paya_csv"]

    @admin.action(description=_("Mark as paid by the bank"), permissions=["pay"])
    def mark_paid(self, request, queryset):
        self._finish(request, queryset, paid=True)

    @admin.action(description=_("Mark as failed (return the money to the wallet)"), permissions=["pay"])
    def mark_failed(self, request, queryset):
        self._finish(request, queryset, paid=False)

    @admin.action(description=_("Export for the bank's group transfer (Paya CSV)"), permissions=["pay"])
    def export_paya_csv(self, request, queryset):
        return _csv_response(queryset.select_related("user", "user__expert_profile").order_by("id"), "paya.csv")

    def _finish(self, request, queryset, *, paid: bool):
        done = skipped = 0
        for payout_id in queryset.order_by("id").values_list("pk", flat=True):
            try:
                payout = (payout_mark_paid if paid else payout_mark_failed)(
                    payout_id=payout_id, provider_ref=f"manual:{request.user.pk}", actor=request.user)
            except Exception:  # noqa: BLE001 - one bad row must not stop the others
                logger.exception("admin: finishing payout %s failed", payout_id)
                skipped += 1
                continue
            wanted = Payout.Status.PAID if paid else Payout.Status.FAILED
            if payout.status == wanted and payout.decided_at and payout.provider_ref == f"manual:{request.user.pk}":
                done += 1
            else:
                skipped += 1
        self.message_user(request, _("%(done)s payout(s) updated, %(skipped)s skipped (already paid or failed).")
                          % {"done": to_persian_digits(done), "skipped": to_persian_digits(skipped)},
                          messages.SUCCESS if done else messages.WARNING)

    def has_pay_permission(self, request):
        return _may_pay(request)
