"""Buyer requests and offers (DESIGN.md §6).

A *request* is what a buyer wants: sent to one expert (custom, درخواست سفارشی) or posted publicly to a
category (درخواست‌های خریداران). Experts answer with *offers*; an offer can also be sent unsolicited
inside a conversation. An accepted offer becomes an order (`orders.actions.order_create_from_offer`).

Both have a guarded status machine (`TRANSITIONS`, `transition_to`) that writes an event row, like the
order's. Writes go through `buyer_requests.actions`, which lock the rows they change.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.storage import private_storage

from .exceptions import RequestTransitionError

REQUEST_DAYS = 14  # a public request is open this long; the buyer may extend it once by as much
MIN_OFFER_EXPIRY_DAYS, MAX_OFFER_EXPIRY_DAYS = 1, 14
MAX_REQUEST_FILES = 5


class StatusMachine:
    """The guarded status machine of requests and offers: `TRANSITIONS` maps a status to where it may go;
    `_move` checks and changes the status (the caller saves and writes its event row)."""

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.Status(self.status), set())

    def _move(self, status: str, refusal: str) -> None:
        if not self.can_move_to(status):
            raise RequestTransitionError(
                refusal % {"current": self.Status(self.status).label, "new": self.Status(status).label}
            )
        self._previous_status, self.status = self.status, status


def _event_fields(obj, status: str, actor, note: str) -> dict:
    return {"actor": actor if getattr(actor, "pk", None) else None, "from_status": obj._previous_status,
            "to_status": status, "note": note}


class BuyerRequest(StatusMachine, models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public request")
        CUSTOM = "custom", _("Custom request")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Offer accepted")
        CLOSED = "closed", _("Closed")
        EXPIRED = "expired", _("Expired")

    class Moderation(models.TextChoices):
        APPROVED = "approved", _("Shown")
        PENDING = "pending", _("Waiting for review")
        HIDDEN = "hidden", _("Hidden by staff")

    TRANSITIONS = {
        Status.OPEN: {Status.ACCEPTED, Status.CLOSED, Status.EXPIRED},
        Status.ACCEPTED: set(),
        Status.CLOSED: set(),
        Status.EXPIRED: set(),
    }

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PUBLIC)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buyer_requests",
                              verbose_name=_("buyer"))
    # A custom request goes to one expert, from one of their services (or their profile).
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="custom_requests_received", verbose_name=_("expert"))
    service = models.ForeignKey("services.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("service"))
    conversation = models.ForeignKey("messaging.Conversation", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("conversation"))
    message = models.ForeignKey("messaging.Message", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("line in the conversation"))
    category = models.ForeignKey("services.Category", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="buyer_requests", verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000)
    budget_min = models.BigIntegerField(_("budget from (Rials)"))
    budget_max = models.BigIntegerField(_("budget up to (Rials)"))
    deadline_days = models.PositiveSmallIntegerField(_("wished delivery (days)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    moderation = models.CharField(_("moderation"), max_length=10, choices=Moderation.choices,
                                  default=Moderation.APPROVED)
    moderation_reason = models.TextField(_("moderation note"), blank=True)
    flag_kinds = models.JSONField(_("contact details found"), default=list, blank=True)
    # Denormalised for the board and the dashboards (kept by the actions under the request's lock).
    offer_count = models.PositiveIntegerField(_("offers"), default=0)
    search_text = models.TextField(_("normalised text"), blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    extended = models.BooleanField(_("extended once"), default=False)
    expiry_warned = models.BooleanField(_("warned before expiry"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("buyer request")
        verbose_name_plural = _("buyer requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="breq_board",
                         condition=Q(kind="public", status="open", moderation="approved")),
            models.Index(fields=["category", "-created_at", "-id"], name="breq_board_cat",
                         condition=Q(kind="public", status="open", moderation="approved")),
            models.Index(fields=["buyer", "-created_at"], name="breq_buyer_recent"),
            models.Index(fields=["status", "expires_at"], name="breq_status_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget_min__gt=0) & Q(budget_max__gte=F("budget_min")),
                                   name="breq_budget_range"),
            models.CheckConstraint(condition=Q(kind="custom") | Q(category__isnull=False),
                                   name="breq_public_has_category"),
            models.CheckConstraint(condition=Q(kind="public") | Q(expert__isnull=False),
                                   name="breq_custom_has_expert"),
            models.CheckConstraint(condition=Q(deadline_days__gte=1) & Q(deadline_days__lte=90),
                                   name="breq_deadline_range"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("buyer_requests:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.kind == self.Kind.PUBLIC

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and self.expires_at > timezone.now()

    @property
    def is_shown(self) -> bool:
        return self.moderation == self.Moderation.APPROVED

    @property
    def can_extend(self) -> bool:
        return self.is_public and self.status == self.Status.OPEN and not self.extended

    def transition_to(self, status: str, *, actor=None, note: str = "") -> RequestEvent:
        self._move(status, _("A request that is “%(current)s” cannot become “%(new)s”."))
        return RequestEvent.objects.create(request=self, **_event_fields(self, status, actor, note))


class RequestEvent(models.Model):
    request = models.ForeignKey(BuyerRequest, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("request"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} → {self.to_status}"


def request_file_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"requests/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext[:10]}"


class RequestFile(models.Model):
    """A private file attached to a request: served to the buyer, the experts who may answer, staff."""

    request = models.ForeignKey(BuyerRequest, on_delete=models.CASCADE, related_name="files",
                                verbose_name=_("request"))
    file = models.FileField(_("file"), upload_to=request_file_path, storage=private_storage, max_length=255)
    original_name = models.CharField(_("original name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request file")
        verbose_name_plural = _("request files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("buyer_requests:file", args=[self.pk])


class Offer(StatusMachine, models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    TRANSITIONS = {
        Status.SENT: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
        Status.EXPIRED: set(),
    }

    # Null for an unsolicited offer sent inside a conversation.
    request = models.ForeignKey(BuyerRequest, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="offers", verbose_name=_("request"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers_sent",
                               verbose_name=_("expert"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers_received",
                              verbose_name=_("buyer"))
    # The expert's service the order is placed under (its category and page).
    service = models.ForeignKey("services.Service", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("service"))
    conversation = models.ForeignKey("messaging.Conversation", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("conversation"))
    message = models.ForeignKey("messaging.Message", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("line in the conversation"))
    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("description"), max_length=5000)
    price = models.BigIntegerField(_("price (Rials)"))
    delivery_days = models.PositiveSmallIntegerField(_("delivery (days)"))
    revisions = models.PositiveSmallIntegerField(_("revisions"), default=1)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    viewed_at = models.DateTimeField(_("seen by the buyer"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden by staff"), default=False)
    hidden_reason = models.TextField(_("why it was hidden"), blank=True)
    # Off-platform contact found in the title or description, sent anyway after the warning (for staff).
    flag_kinds = models.JSONField(_("contact details found"), default=list, blank=True)
    order = models.OneToOneField("orders.Order", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="offer", verbose_name=_("order"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["expert", "-created_at"], name="offer_expert_recent"),
            models.Index(fields=["status", "expires_at"], name="offer_status_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["request", "expert"], condition=~Q(status="withdrawn"),
                                    name="offer_one_per_expert_per_request"),
            models.UniqueConstraint(fields=["request"], condition=Q(status="accepted"),
                                    name="offer_one_accepted_per_request"),
            models.CheckConstraint(condition=Q(delivery_days__gte=1) & Q(delivery_days__lte=90),
                                   name="offer_delivery_range"),
            models.CheckConstraint(condition=Q(price__gt=0), name="offer_price_positive"),
            models.CheckConstraint(condition=~Q(buyer=F("expert")), name="offer_not_self"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("buyer_requests:offer", args=[self.pk])

    @property
    def is_live(self) -> bool:
        """Can still be accepted: sent, not past its expiry, not hidden."""
        return self.status == self.Status.SENT and self.expires_at > timezone.now() and not self.hidden

    @property
    def days_left(self) -> int:
        return max(0, (self.expires_at - timezone.now()) // dt.timedelta(days=1))

    def transition_to(self, status: str, *, actor=None, note: str = "") -> OfferEvent:
        self._move(status, _("An offer that is “%(current)s” cannot become “%(new)s”."))
        return OfferEvent.objects.create(offer=self, **_event_fields(self, status, actor, note))


class OfferEvent(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="events", verbose_name=_("offer"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer event")
        verbose_name_plural = _("offer events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.from_status} → {self.to_status}"


class DigestSent(models.Model):
    """One daily digest of new matching requests per expert per day (idempotent beat task)."""

    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("expert"))
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [models.UniqueConstraint(fields=["expert", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.day}"


class BoardVersion(models.Model):
    """One row whose number PostgreSQL raises when a change to the public requests board commits.

    The board's shared HTML (`buyer_requests.board`) is keyed by this number: a request published,
    approved, hidden, edited, closed, expired or given an offer (its `offer_count` moves) makes every
    cached board unreachable the moment it commits, whether the change came through the actions, the
    admin, a bulk load or raw SQL. The triggers are deferred to the commit (migration 0002), like the
    catalogue version's, so writers of different requests never wait for each other.
    """

    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "buyer_requests_board_version"

    def __str__(self) -> str:
        return f"board v{self.version}"
