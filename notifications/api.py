"""The one function every producer calls: `notify(user, kind, obj, ...)`."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import Notification


def notify(user, kind: str, obj=None, *, actor=None, url: str | None = None, **context) -> Notification | None:
    """Record one in-app notification for `user` in the caller's transaction.

    `obj` (any model instance) is what the notice is about; its `get_absolute_url()` is the link
    unless `url` is given. `context` holds plain JSON values for the kind's text. A user is never
    notified of their own action. Emails are sent later by the notifications app from these rows.
    """
    from .kinds import get

    if user is None or (actor is not None and getattr(actor, "pk", None) == user.pk):
        return None
    if get(kind) is None:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    if url is None and obj is not None and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    notification = Notification.objects.create(
        recipient=user,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        target_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        target_id=obj.pk if obj is not None else None,
        url=url or "",
        context=context,
    )
    transaction.on_commit(lambda: _after_commit(user.pk), robust=True)
    return notification


def _after_commit(user_id: int) -> None:
    """Hook for caches of the unread count (the notification centre fills it in)."""
    from . import signals

    signals.notified.send(sender=Notification, user_id=user_id)
