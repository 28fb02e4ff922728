"""The money layer: a double-entry ledger (accounts, transfers, legs) and gateway payment attempts.

Every amount is an integer number of Rials. A `Transfer` is a set of `Leg`s that sum to zero; the
database refuses an unbalanced transfer at commit and refuses any UPDATE or DELETE of transfers and
legs (triggers in migration 0002). Balances are sums of legs, never stored.

Sign convention: a positive leg adds money to an account, a negative leg takes it away. Money that
enters from a bank shows up as a negative balance of the single `outside_world` account, so the sum
of every balance is always zero.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    """A place money can be: a user's wallet (available or pending), an order's escrow, the platform…"""

    class Kind(models.TextChoices):
        USER_AVAILABLE = "user_available", _("Available balance")
        USER_PENDING = "user_pending", _("Pending clearance")
        ORDER_ESCROW = "order_escrow", _("Order escrow")
        PLATFORM_REVENUE = "platform_revenue", _("Platform revenue")
        GATEWAY_CLEARING = "gateway_clearing", _("Gateway clearing")
        PAYOUTS_IN_FLIGHT = "payouts_in_flight", _("Payouts in flight")
        OUTSIDE_WORLD = "outside_world", _("Outside world")

    USER_KINDS = (Kind.USER_AVAILABLE, Kind.USER_PENDING, Kind.PAYOUTS_IN_FLIGHT)
    SINGLETON_KINDS = (Kind.PLATFORM_REVENUE, Kind.OUTSIDE_WORLD)
    # Only the outside world may go below zero: every other account holds real money.
    MAY_BE_NEGATIVE = (Kind.OUTSIDE_WORLD,)

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_accounts",
        verbose_name=_("owner"),
    )
    # The orders app is built on top of this one, so the order is a plain id, not a foreign key.
    order_ref = models.BigIntegerField(_("order"), null=True, blank=True)
    gateway = models.CharField(_("gateway"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "owner"], condition=Q(owner__isnull=False), name="escrow_account_unique_owner"
            ),
            models.UniqueConstraint(
                fields=["kind", "order_ref"], condition=Q(order_ref__isnull=False), name="escrow_account_unique_order"
            ),
            models.UniqueConstraint(
                fields=["kind", "gateway"], condition=Q(kind="gateway_clearing"), name="escrow_account_unique_gateway"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind__in=["platform_revenue", "outside_world"]),
                name="escrow_account_unique_singleton",
            ),
            # Each kind carries exactly the reference it needs and no other.
            models.CheckConstraint(
                name="escrow_account_shape",
                condition=(
                    Q(kind__in=["user_available", "user_pending", "payouts_in_flight"], owner__isnull=False,
                      order_ref__isnull=True, gateway="")
                    | Q(kind="order_escrow", owner__isnull=True, order_ref__isnull=False, gateway="")
                    | Q(kind="gateway_clearing", owner__isnull=True, order_ref__isnull=True, gateway__gt="")
                    | Q(kind__in=["platform_revenue", "outside_world"], owner__isnull=True, order_ref__isnull=True,
                        gateway="")
                ),
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.owner_id:
            return f"{label} · {self.owner}"
        if self.order_ref is not None:
            return f"{label} · #{self.order_ref}"
        if self.gateway:
            return f"{label} · {self.gateway}"
        return str(label)


class Transfer(models.Model):
    """One immutable movement of money: legs summing to zero, posted once per idempotency key."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment through the bank")
        WALLET_PAYMENT = "wallet_payment", _("Payment from wallet")
        RELEASE = "release", _("Release to the expert")
        REFUND = "refund", _("Refund to the buyer")
        SPLIT = "split", _("Dispute settlement")
        CLEARANCE = "clearance", _("Cleared to available balance")
        WITHDRAWAL = "withdrawal", _("Withdrawal request")
        PAYOUT_DONE = "payout_done", _("Withdrawal paid to the bank")
        PAYOUT_FAILED = "payout_failed", _("Withdrawal returned")
        ADJUSTMENT = "adjustment", _("Correction by staff")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order_ref = models.BigIntegerField(_("order"), null=True, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.idempotency_key


class Leg(models.Model):
    """One side of a transfer: a signed amount of Rials added to (or taken from) one account."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="legs", verbose_name=_("transfer"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs", verbose_name=_("account"))
    amount = models.BigIntegerField(_("amount (Rials)"))

    class Meta:
        verbose_name = _("leg")
        verbose_name_plural = _("legs")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="escrow_leg_nonzero")]
        indexes = [models.Index(fields=["account", "-id"], name="escrow_leg_account_recent")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount:+d}"


class Payment(models.Model):
    """One attempt to take money through a gateway for one order.

    Moves `initiated` → `verifying` (committed before the gateway is asked) → `paid`, `failed`,
    `cancelled` or `mismatch`. A paid payment has exactly one ledger transfer,
    `payment:<gateway>:<authority>`.
    """

    class Status(models.TextChoices):
        INITIATED = "initiated", _("Waiting for the bank")
        VERIFYING = "verifying", _("Being verified")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        MISMATCH = "mismatch", _("Amount mismatch")

    FINAL = (Status.PAID, Status.FAILED, Status.CANCELLED, Status.MISMATCH)

    order_ref = models.BigIntegerField(_("order"), db_index=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments", verbose_name=_("buyer")
    )
    amount = models.BigIntegerField(_("amount (Rials)"))
    gateway = models.CharField(_("gateway"), max_length=32)
    authority = models.CharField(_("authority"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INITIATED)
    ref_id = models.CharField(_("bank reference"), max_length=64, blank=True)
    card_pan = models.CharField(_("card number (masked)"), max_length=32, blank=True)
    code = models.CharField(_("gateway code"), max_length=32, blank=True)
    callback_url = models.URLField(_("callback URL"), max_length=500, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    raw = models.JSONField(_("gateway responses"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "authority"], condition=~Q(authority=""), name="escrow_payment_unique_authority"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="escrow_payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="escrow_payment_status")]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.authority or self.pk}"

    @property
    def ledger_key(self) -> str:
        return f"payment:{self.gateway}:{self.authority}"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL


class SandboxCharge(models.Model):
    """What the built-in sandbox "bank" knows about a payment: the state the payer chose on its page.

    The sandbox gateway's verify reads this row, so a forged `Status=OK` for an unpaid authority
    cannot pass.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the payer")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled by the payer")
        EXPIRED = "expired", _("Expired")

    authority = models.CharField(_("authority"), max_length=64, unique=True)
    amount = models.BigIntegerField(_("amount (Rials)"))
    callback_url = models.CharField(_("callback URL"), max_length=500)
    description = models.CharField(_("description"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    ref_id = models.CharField(_("bank reference"), max_length=32, blank=True)
    card_pan = models.CharField(_("card number (masked)"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")

    def __str__(self) -> str:
        return self.authority


class PayoutBatch(models.Model):
    """Withdrawals handed to the payout provider together (a beat task makes one per run).

    With the manual provider, staff export the batch as a CSV for the bank's group transfer (پایا)
    upload and then mark each payout paid or failed in the admin.
    """

    provider = models.CharField(_("payout provider"), max_length=32)
    count = models.PositiveIntegerField(_("number of payouts"), default=0)
    total = models.BigIntegerField(_("total (Rials)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.provider} ({self.count})"


class Payout(models.Model):
    """A withdrawal: money moved from a user's available balance to their bank account (Sheba).

    `requested` (money reserved: available → payouts in flight) → `processing` (in a batch handed to
    the payout provider) → `paid` (in flight → outside world) or `failed` (back to the wallet in
    one transfer).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PROCESSING = "processing", _("Sent to the bank")
        PAID = "paid", _("Paid to the bank")
        FAILED = "failed", _("Failed, returned to the wallet")

    OPEN = (Status.REQUESTED, Status.PROCESSING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("user")
    )
    amount = models.BigIntegerField(_("amount (Rials)"))
    sheba = models.CharField(_("Sheba number"), max_length=26)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    # From the withdrawal form: a double submit finds the first request instead of making a second.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, null=True, blank=True, unique=True)
    batch = models.ForeignKey(
        PayoutBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="payouts", verbose_name=_("batch")
    )
    provider_ref = models.CharField(_("provider reference"), max_length=64, blank=True)
    failure_reason = models.CharField(_("reason of failure"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("paid or failed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="escrow_payout_amount_positive")]
        indexes = [
            models.Index(fields=["user", "-id"], name="escrow_payout_user_recent"),
            models.Index(fields=["status", "id"], name="escrow_payout_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.user} {self.amount}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
