"""Reading notices and choosing emails."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from . import cache
from .models import EmailPreference, Notification


def mark_read(user, notification_id: int) -> Notification:
    """Mark one of `user`'s notices read (404 for anyone else's)."""
    row = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if row is None:
        raise Http404
    if row.read_at is None:
        row.read_at = timezone.now()
        Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=row.read_at)
        cache.forget(user.pk)
        transaction.on_commit(lambda: cache.forget(user.pk))
    return row


def mark_all_read(user) -> int:
    n = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    cache.forget(user.pk)
    transaction.on_commit(lambda: cache.forget(user.pk))
    return n


def preference_for(user) -> EmailPreference:
    pref = EmailPreference.objects.filter(user=user).first()
    return pref or EmailPreference(user=user)


def set_preference(user, *, digest_enabled: bool, muted_kinds) -> EmailPreference:
    pref, _created = EmailPreference.objects.update_or_create(
        user=user, defaults={"digest_enabled": digest_enabled, "muted_kinds": sorted(set(muted_kinds))}
    )
    return pref
