"""Orders: what a buyer bought (a snapshot of the package), where it is in its lifecycle, and its history.

Money is not here: an order's escrow lives in the ledger (`escrow`), keyed by the order's id.
Every status change goes through `orders.actions`, which locks the order row and writes an
`OrderEvent` through `Order.transition_to`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .exceptions import OrderTransitionError
from .storage import private_storage


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
        AWAITING_REQUIREMENTS = "awaiting_requirements", _("Waiting for requirements")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        DISPUTED = "disputed", _("In dispute")

    # Allowed moves (DESIGN.md §4). A dispute is opened once the expert has started (before that the
    # buyer may simply cancel); staff resolve it to completed (release or split) or cancelled (refund).
    TRANSITIONS = {
        Status.PENDING_PAYMENT: {Status.AWAITING_REQUIREMENTS, Status.CANCELLED},
        Status.AWAITING_REQUIREMENTS: {Status.IN_PROGRESS, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.DELIVERED, Status.CANCELLED, Status.DISPUTED},
        # Cancelled from delivered only by mutual agreement (order_cancellation_answer).
        Status.DELIVERED: {Status.COMPLETED, Status.REVISION_REQUESTED, Status.DISPUTED, Status.CANCELLED},
        Status.REVISION_REQUESTED: {Status.DELIVERED, Status.CANCELLED, Status.DISPUTED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
        Status.DISPUTED: {Status.COMPLETED, Status.CANCELLED},
    }
    CLOSED = (Status.COMPLETED, Status.CANCELLED)
    # Statuses in which the expert is working against `due_at` (and may ask for more time).
    WORKING = (Status.IN_PROGRESS, Status.REVISION_REQUESTED)
    # Statuses in which either party may open a dispute.
    DISPUTABLE = (Status.IN_PROGRESS, Status.DELIVERED, Status.REVISION_REQUESTED)

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_bought", verbose_name=_("buyer")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_received", verbose_name=_("expert")
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="orders", verbose_name=_("service")
    )
    package = models.ForeignKey(
        "services.Package", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders",
        verbose_name=_("package"),
    )
    # Snapshot at purchase time: later edits of the service or package never change an order.
    title = models.CharField(_("title"), max_length=120)
    package_tier = models.CharField(_("package tier"), max_length=10)
    package_title = models.CharField(_("package title"), max_length=80)
    package_description = models.TextField(_("what is included"))
    price = models.BigIntegerField(_("price (Rials)"))
    buyer_fee = models.BigIntegerField(_("buyer fee (Rials)"), default=0)
    total = models.BigIntegerField(_("total (Rials)"))
    # Terms fixed when the buyer commits (DESIGN.md §3): the commission taken from the expert's part.
    commission_percent = models.PositiveSmallIntegerField(_("commission (percent)"), default=10)
    # The checkout form's idempotency key: a double submit finds this order instead of making another.
    checkout_key = models.CharField(_("checkout key"), max_length=100, null=True, blank=True, unique=True)
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions_allowed = models.PositiveSmallIntegerField(_("revisions allowed"), null=True, blank=True)
    revisions_used = models.PositiveSmallIntegerField(_("revisions used"), default=0)

    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.PENDING_PAYMENT)
    # The buyer's answers: [{"id", "question", "kind", "answer"}], question texts copied at submission.
    requirement_answers = models.JSONField(_("answers to the requirement questions"), default=list, blank=True)
    requirements_description = models.TextField(_("description of the need"), blank=True)
    # What the buyer typed so far on the requirements form: {"answers": {id: text}, "description": …}.
    requirements_draft = models.JSONField(_("requirements draft"), default=dict, blank=True)

    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    requirements_at = models.DateTimeField(_("requirements submitted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="order_buyer_recent"),
            models.Index(fields=["expert", "-created_at"], name="order_expert_recent"),
            models.Index(fields=["status", "delivered_at"], name="order_status_delivered"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="order_price_positive"),
            models.CheckConstraint(condition=Q(buyer_fee__gte=0), name="order_fee_not_negative"),
            models.CheckConstraint(condition=Q(total=F("price") + F("buyer_fee")), name="order_total_sum"),
            models.CheckConstraint(condition=~Q(buyer=F("expert")), name="order_not_own_service"),
        ]

    def __str__(self) -> str:
        from azmoodegan.persian import to_persian_digits

        return gettext("Order %(id)s: %(title)s") % {"id": to_persian_digits(self.pk), "title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.pk])

    # --- the status machine ---------------------------------------------------------------------

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.Status(self.status), set())

    def transition_to(self, status: str, *, kind: str, actor=None, note: str = "") -> OrderEvent:
        """Move to `status` and record who did it (`kind`: an `OrderEvent.Kind`); raises
        `OrderTransitionError` on a move not in the map.

        The caller holds the row lock (SELECT … FOR UPDATE) and saves the order.
        """
        event = self._event_to(status, kind=kind, actor=actor, note=note)
        self.status = status
        event.save(force_insert=True)
        return event

    def _event_to(self, status: str, *, kind: str, actor, note: str) -> OrderEvent:
        """The (unsaved) event of a move to `status`; raises `OrderTransitionError` on a move not in the map."""
        if not self.can_move_to(status):
            raise OrderTransitionError(
                _("An order that is “%(current)s” cannot become “%(new)s”.")
                % {"current": self.Status(self.status).label, "new": self.Status(status).label}
            )
        return OrderEvent(order=self, actor=actor if getattr(actor, "pk", None) else None, from_status=self.status,
                          to_status=status, kind=OrderEvent.Kind(kind), note=note)

    def move_and_save(self, status: str, *, kind: str, actor=None, note: str = "", **changes) -> OrderEvent:
        """`transition_to(status, …)` then `save(update_fields=["status", *changes, "updated_at"])`, with the
        event's INSERT and the order's UPDATE sent as one statement (the hot path of a completion).

        The same checks, rows and signals as the two calls: the event's pre_save and the order's
        pre_save before the statement, the event's post_save (created) and the order's post_save after.
        The caller holds the row lock.
        """
        from django.db import DatabaseError, connections, router
        from django.db.models.signals import post_save, pre_save

        event = self._event_to(status, kind=kind, actor=actor, note=note)
        for name, value in changes.items():
            setattr(self, name, value)
        self.status = status
        fields = ("status", *changes, "updated_at")
        using = router.db_for_write(Order, instance=self)
        connection = connections[using]
        update_fields = frozenset(fields)
        pre_save.send(sender=OrderEvent, instance=event, raw=False, using=using, update_fields=None)
        pre_save.send(sender=Order, instance=self, raw=False, using=using, update_fields=update_fields)
        event.created_at = now = timezone.now()  # auto_now_add, auto_now
        self.updated_at = now
        sql, event_fields, order_fields = _move_sql(fields)
        params = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in event_fields]
        params += [f.get_db_prep_save(getattr(self, f.attname), connection) for f in order_fields]
        params.append(self.pk)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            event_id, updated = cursor.fetchone()
        if not updated:
            raise DatabaseError("Save with update_fields did not affect any rows.")
        event.pk = event_id
        for row in (event, self):
            row._state.adding, row._state.db = False, using
        post_save.send(sender=OrderEvent, instance=event, created=True, update_fields=None, raw=False, using=using)
        post_save.send(sender=Order, instance=self, created=False, update_fields=update_fields, raw=False,
                       using=using)
        return event

    # --- facts pages ask about -------------------------------------------------------------------

    @property
    def is_working(self) -> bool:
        """The expert is working on it (in progress, or a revision was asked for)."""
        return self.status in self.WORKING

    @property
    def is_late(self) -> bool:
        return bool(self.status in self.WORKING and self.due_at and timezone.now() > self.due_at)

    @property
    def time_left(self) -> str:
        """`۲ روز و ۵ ساعت` until `due_at` (or since, when late), for the countdown."""
        from azmoodegan.persian import to_persian_digits

        if not self.due_at:
            return ""
        seconds = abs(int((self.due_at - timezone.now()).total_seconds()))
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes = max(1, rest // 60) if not days and not hours else rest // 60
        if days:
            text = _("%(days)s days and %(hours)s hours") % {"days": days, "hours": hours}
        elif hours:
            text = _("%(hours)s hours and %(minutes)s minutes") % {"hours": hours, "minutes": minutes}
        else:
            text = _("%(minutes)s minutes") % {"minutes": minutes}
        return to_persian_digits(text)

    @property
    def revisions_left(self) -> int | None:
        if self.revisions_allowed is None:
            return None
        return max(0, self.revisions_allowed - self.revisions_used)

    @property
    def dispute_or_none(self) -> Dispute | None:
        """The order's dispute, or None (pages select it with the order)."""
        try:
            return self.dispute
        except Dispute.DoesNotExist:
            return None

    def party(self, user) -> str | None:
        """"buyer", "expert", "staff" or None for anyone else."""
        if not user or not user.is_authenticated:
            return None
        if user.pk == self.buyer_id:
            return "buyer"
        if user.pk == self.expert_id:
            return "expert"
        if user.is_staff:
            return "staff"
        return None


class OrderEvent(models.Model):
    """One thing that happened to an order: the timeline both sides see and staff read in a dispute."""

    class Kind(models.TextChoices):
        """What happened; the label is the line both parties read in the timeline."""

        CREATED = "created", _("Order placed")
        PAID = "paid", _("Payment received and held by Azmoodegan")
        PAYMENT_CANCELLED = "payment_cancelled", _("Payment cancelled at the bank")
        PAYMENT_FAILED = "payment_failed", _("Payment failed")
        PAYMENT_MISMATCH = "payment_mismatch", _("Payment refused: amount mismatch")
        PAYMENT_REFUNDED = "payment_refunded", _("Extra payment returned to the buyer's wallet")
        EXPIRED = "expired", _("Not paid within 24 hours; the order expired")
        CANCELLATION_REQUESTED = "cancellation_requested", _("Cancellation by mutual agreement asked")
        CANCELLATION_ACCEPTED = "cancellation_accepted", _("Cancellation agreed; the full amount went back to the buyer's wallet")
        CANCELLATION_DECLINED = "cancellation_declined", _("Cancellation declined; the order goes on")
        CANCELLATION_LAPSED = "cancellation_lapsed", _("Cancellation request lapsed without an answer")
        CANCELLATION_WITHDRAWN = "cancellation_withdrawn", _("Cancellation request withdrawn")
        DISPUTE_RESPONSE = "dispute_response", _("Response to the dispute")
        REQUIREMENTS = "requirements", _("Requirements sent; the delivery clock started")
        DELIVERED = "delivered", _("Delivered")
        REVISION = "revision", _("Revision requested")
        CONFIRMED = "confirmed", _("Delivery confirmed; the expert was paid")
        AUTO_COMPLETED = "auto_completed", _("Completed automatically; the expert was paid")
        CANCELLED = "cancelled", _("Order cancelled")
        EXTENSION_REQUESTED = "extension_requested", _("The expert asked for more time")
        EXTENSION_ACCEPTED = "extension_accepted", _("The buyer gave the expert more time")
        EXTENSION_DECLINED = "extension_declined", _("The buyer declined the request for more time")
        EXTENSION_WITHDRAWN = "extension_withdrawn", _("The request for more time was withdrawn")
        DISPUTED = "disputed", _("Dispute opened")
        RESOLVED = "resolved", _("Dispute resolved by Azmoodegan")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=Order.Status.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Kinds whose note the parties see in the timeline (reasons they wrote, or the outcome).
    SHOWN_NOTES = frozenset({Kind.REVISION, Kind.CANCELLED, Kind.EXTENSION_REQUESTED, Kind.EXTENSION_ACCEPTED,
                             Kind.DISPUTED, Kind.RESOLVED, Kind.CANCELLATION_REQUESTED, Kind.DISPUTE_RESPONSE})

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.kind} {self.from_status} → {self.to_status}"

    @property
    def shows_note(self) -> bool:
        return bool(self.note) and self.kind in self.SHOWN_NOTES

    @property
    def label(self) -> str:
        return self.get_kind_display()


class Delivery(models.Model):
    """What the expert handed over: a message and files."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("order"))
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.created_at:%Y-%m-%d}"


def order_file_path(instance: OrderFile, filename: str) -> str:
    """An unguessable name: the original name is kept in the row, never in the path."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"orders/{instance.order_id}/{instance.kind}/{uuid.uuid4().hex}.{ext[:10]}"


class OrderFile(models.Model):
    """A private file of an order: attached to the requirements or to a delivery."""

    class Kind(models.TextChoices):
        REQUIREMENT = "requirement", _("Requirement")
        DELIVERY = "delivery", _("Delivery")
        EVIDENCE = "evidence", _("Dispute evidence")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="files", verbose_name=_("order"))
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, null=True, blank=True, related_name="files", verbose_name=_("delivery")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    question_id = models.PositiveIntegerField(_("question"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=order_file_path, storage=private_storage, max_length=255)
    original_name = models.CharField(_("original name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order file")
        verbose_name_plural = _("order files")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("orders:file", args=[self.pk])


class ExtensionRequest(models.Model):
    """The expert asks the buyer for more days to deliver; the buyer accepts or declines.

    At most one request of an order is pending (a partial unique index). A pending request is
    closed as withdrawn by the expert, or by Azmoodegan when the order stops being worked on
    (delivered, cancelled, disputed). Accepting moves the order's `due_at` by `days`.
    """

    MIN_DAYS, MAX_DAYS = 1, 30

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the buyer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="extension_requests", verbose_name=_("order")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    days = models.PositiveSmallIntegerField(_("extra days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    # `due_at` before and after an accepted request, for the history staff read.
    previous_due_at = models.DateTimeField(_("due date before"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("due date after"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=30), name="extension_days_1_to_30"),
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="pending"), name="extension_one_pending_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: +{self.days} ({self.status})"

    @property
    def proposed_due_at(self):
        """The due date the order gets if the buyer accepts now."""
        due = self.order.due_at
        return due + dt.timedelta(days=self.days) if due else None


class Dispute(models.Model):
    """A disagreement about an order that staff settle: refund, release or split of its escrow.

    Opened by the buyer or the expert with a reason; while it is open the order is `disputed` and
    nothing else moves. Resolution fills the second half of the row in the same transaction
    that moves the money.
    """

    class Outcome(models.TextChoices):
        REFUND = "refund", _("Full refund to the buyer")
        RELEASE = "release", _("Released to the expert")
        SPLIT = "split", _("Split between the buyer and the expert")

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="dispute", verbose_name=_("order"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("resolved by"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # What each side got, in Rials: the buyer's refund, and the expert's share before commission.
    buyer_amount = models.BigIntegerField(_("to the buyer (Rials)"), null=True, blank=True)
    expert_amount = models.BigIntegerField(_("to the expert before commission (Rials)"), null=True, blank=True)
    note = models.TextField(_("note to both parties"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # The other side's answer, due within RESPONSE_DAYS of the opening (files: OrderFile kind evidence).
    respond_by = models.DateTimeField(_("answer due by"), null=True, blank=True)
    response = models.TextField(_("response of the other side"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    RESPONSE_DAYS = 3

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="", resolved_at__isnull=True)
                           | (~Q(outcome="") & Q(resolved_at__isnull=False))),
                name="dispute_outcome_when_resolved",
            ),
            models.CheckConstraint(
                condition=Q(buyer_amount__isnull=True) | Q(buyer_amount__gte=0), name="dispute_buyer_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(expert_amount__isnull=True) | Q(expert_amount__gte=0),
                name="dispute_expert_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.outcome or 'open'}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def expert_net(self) -> int | None:
        """What the expert received after the platform's commission."""
        if self.expert_amount is None:
            return None
        from escrow.actions import commission_calculate

        return self.expert_amount - commission_calculate(self.expert_amount, self.order.commission_percent)

    def can_respond(self, user) -> bool:
        """The other side may answer once, while the dispute is open."""
        return (not self.is_resolved and not self.responded_at and user is not None
                and user.pk in (self.order.buyer_id, self.order.expert_id) and user.pk != self.opened_by_id)


class CancellationRequest(models.Model):
    """Cancellation by mutual agreement after work started: one side asks with a reason, the other
    accepts (full refund to the buyer in one transfer) or declines within ANSWER_HOURS, else it lapses."""

    ANSWER_HOURS = 48

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        LAPSED = "lapsed", _("Lapsed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="cancellation_requests",
                              verbose_name=_("order"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("asked by"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("answer due by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status="pending"),
                                    name="order_one_pending_cancellation"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="order_cancellation_due")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"


_MOVE_SQL: dict[tuple[str, ...], tuple] = {}


def _move_sql(fields: tuple[str, ...]) -> tuple[str, list, list]:
    """`Order.move_and_save`'s statement for the order's `fields`, written once per process from the models."""
    found = _MOVE_SQL.get(fields)
    if found is None:
        from django.db import connection

        qn = connection.ops.quote_name
        event_fields = [f for f in OrderEvent._meta.concrete_fields if not f.primary_key]
        order_fields = [Order._meta.get_field(name) for name in fields]
        found = _MOVE_SQL[fields] = (
            f"WITH event AS (INSERT INTO {qn(OrderEvent._meta.db_table)} "  # noqa: S608 - names from the models
            f"({', '.join(qn(f.column) for f in event_fields)}) VALUES ({', '.join(['%s'] * len(event_fields))}) "
            f"RETURNING {qn(OrderEvent._meta.pk.column)}), "
            f"changed AS (UPDATE {qn(Order._meta.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in order_fields)} "
            f"WHERE {qn(Order._meta.pk.column)} = %s RETURNING 1) "
            f"SELECT (SELECT {qn(OrderEvent._meta.pk.column)} FROM event), (SELECT count(*) FROM changed)",
            event_fields, order_fields,
        )
    return found
