"""Messaging: conversations between a buyer and an expert (about a service, or one per order).

A conversation keeps what its inbox row needs on itself (last activity, the last message, each
side's unread count and read marker), so the inbox is one query whatever its length. Messages are
written only through `messaging.actions`, which keeps those fields exact under row locks.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orders.storage import private_storage

MAX_BODY = 5000
MAX_ATTACHMENTS = 5


class Conversation(models.Model):
    """Two people talking: `buyer` asked, `expert` answers. Order threads have `order` set."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations_as_buyer",
        verbose_name=_("buyer"),
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations_as_expert",
        verbose_name=_("expert"),
    )
    # The service the conversation was (last) started about; shown at the top of the thread.
    service = models.ForeignKey(
        "services.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("service"),
    )
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, null=True, blank=True, related_name="conversation",
        verbose_name=_("order"),
    )
    last_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("last message"),
    )
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)
    # Per-participant read markers (read receipts) and unread counters (inbox, header badge).
    buyer_read_at = models.DateTimeField(_("buyer read up to"), null=True, blank=True)
    expert_read_at = models.DateTimeField(_("expert read up to"), null=True, blank=True)
    buyer_unread = models.PositiveIntegerField(_("unread by the buyer"), default=0)
    expert_unread = models.PositiveIntegerField(_("unread by the expert"), default=0)
    # Response time: the buyer's first message and the expert's first reply after it.
    buyer_first_at = models.DateTimeField(_("buyer's first message"), null=True, blank=True)
    expert_first_reply_at = models.DateTimeField(_("expert's first reply"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-last_activity_at"], name="conv_buyer_recent"),
            models.Index(fields=["expert", "-last_activity_at"], name="conv_expert_recent"),
            models.Index(fields=["expert", "buyer_first_at"], name="conv_expert_first"),
        ]
        constraints = [
            # One pre-order conversation per pair; order threads are one per order.
            models.UniqueConstraint(
                fields=["buyer", "expert"], condition=Q(order__isnull=True), name="conv_one_per_pair"
            ),
            models.CheckConstraint(condition=~Q(buyer=F("expert")), name="conv_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id} ↔ {self.expert_id}" + (f" (order {self.order_id})" if self.order_id else "")

    def get_absolute_url(self) -> str:
        return reverse("messaging:conversation", args=[self.pk])

    def has_participant(self, user) -> bool:
        return getattr(user, "pk", None) in (self.buyer_id, self.expert_id)

    def other(self, user):
        return self.expert if user.pk == self.buyer_id else self.buyer

    def other_id(self, user) -> int:
        return self.expert_id if user.pk == self.buyer_id else self.buyer_id

    def unread_for(self, user) -> int:
        return self.buyer_unread if user.pk == self.buyer_id else self.expert_unread

    def other_read_at(self, user):
        """Up to when the other participant has read (for the ✓✓ on my messages)."""
        return self.expert_read_at if user.pk == self.buyer_id else self.buyer_read_at


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Message")
        SYSTEM = "system", _("System line")
        ORDER_EVENT = "order_event", _("Order event")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("conversation")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("sender"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(_("text"), max_length=MAX_BODY, blank=True)
    # For order event lines: the event shown (unique, so a re-saved event never shows twice).
    order_event = models.OneToOneField(
        "orders.OrderEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="message",
        verbose_name=_("order event"),
    )
    attachment_count = models.PositiveSmallIntegerField(_("attachments"), default=0)
    # Off-platform contact: set when the sender was warned and sent anyway.
    flagged = models.BooleanField(_("flagged for staff"), default=False)
    flag_kinds = ArrayField(models.CharField(max_length=24), verbose_name=_("what was found"), default=list,
                            blank=True)
    # [[start, end], ...] character spans of `body` that matched (highlighted in the admin).
    flag_spans = models.JSONField(_("matched parts"), default=list, blank=True)
    flag_reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    flag_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "-id"], name="msg_conversation_recent"),
            models.Index(fields=["-created_at"], name="msg_flagged_queue", condition=Q(flagged=True)),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("messaging:conversation", args=[self.conversation_id]) + f"#m{self.pk}"

    @property
    def is_system(self) -> bool:
        return self.sender_id is None or self.kind != self.Kind.TEXT


def attachment_path(instance: Attachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"messages/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext[:10]}"


class Attachment(models.Model):
    """A private file sent with a message; served only to the two participants and staff."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("message"))
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=255)
    original_name = models.CharField(_("original name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("messaging:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Block(models.Model):
    """`blocker` no longer receives new conversations or messages from `blocked`."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made",
                                verbose_name=_("blocked by"))
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("blocked user"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class Report(models.Model):
    """A participant reported a message to staff."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Insult or harassment")
        OFF_PLATFORM = "off_platform", _("Asks to talk or pay outside the site")
        FRAUD = "fraud", _("Fraud")
        OTHER = "other", _("Something else")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports", verbose_name=_("message"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("reported by"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, default=Reason.OTHER)
    note = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("handled by"))

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="report_once")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.reason})"


class ResponseStats(models.Model):
    """An expert's measured responsiveness over the last 90 days (recomputed by a beat task).

    The median is also written to `search.ExpertStats.response_seconds` for search and compare.
    """

    expert = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                  related_name="response_stats", verbose_name=_("expert"))
    median_seconds = models.PositiveIntegerField(_("median first response (seconds)"), null=True, blank=True)
    answered_within_day = models.DecimalField(_("answered within 24 hours (%)"), max_digits=5, decimal_places=2,
                                              null=True, blank=True)
    conversations = models.PositiveIntegerField(_("conversations measured"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("response statistics")
        verbose_name_plural = _("response statistics")

    def __str__(self) -> str:
        return str(self.expert_id)
