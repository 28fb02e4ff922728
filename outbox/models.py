"""The transactional outbox (DESIGN.md §3: side effects leave through an outbox).

A `Message` is written in the same transaction as the change that causes it, so it exists if and
only if that change committed. Drainers (`outbox.api.drain`: a Celery task kicked on commit, and a
beat task every minute) take unsent rows with `SELECT … FOR UPDATE SKIP LOCKED`, run the handler
and mark the row sent in the same transaction: several drainers on several machines never take the
same row, and a broker that is down only delays messages.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    handler = models.CharField(_("handler"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict)
    # Optional: a second enqueue with the same key is ignored (one email per event).
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    available_at = models.DateTimeField(_("due at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["available_at", "id"], condition=Q(sent_at__isnull=True), name="outbox_unsent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.handler}"
