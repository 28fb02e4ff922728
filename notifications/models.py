from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One in-app notice to one user, written in the same transaction as the event it reports."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=48)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("actor"),
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    url = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient"], name="notif_unread", condition=models.Q(read_at__isnull=True)
            ),
            models.Index(
                fields=["created_at"], name="notif_email_due",
                condition=models.Q(read_at__isnull=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def text(self) -> str:
        from .kinds import get

        kind = get(self.kind)
        if kind is None:
            return self.kind
        try:
            return str(kind.text) % self.context
        except (KeyError, TypeError, ValueError):
            return str(kind.text)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailPreference(models.Model):
    """What a user wants by email; by default every emailable kind, grouped, after a few minutes unread."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_preference",
        verbose_name=_("user"),
    )
    digest_enabled = models.BooleanField(_("email me what I have not read"), default=True)
    muted_kinds = ArrayField(models.CharField(max_length=48), verbose_name=_("kinds not emailed"), default=list,
                             blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")

    def __str__(self) -> str:
        return str(self.user_id)

    def wants(self, kind: str) -> bool:
        return self.digest_enabled and kind not in self.muted_kinds
