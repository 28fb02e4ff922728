"""The bell's unread count, kept in Redis; dropped after every commit that adds or reads notices."""

from django.core.cache import cache
from django.dispatch import receiver

from .signals import notified

TTL = 60 * 60 * 24


def _key(user_id: int) -> str:
    return f"notif:unread:{user_id}"


def unread_count(user_id: int) -> int:
    value = cache.get(_key(user_id))
    if value is None:
        from .models import Notification

        value = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
        cache.set(_key(user_id), value, TTL)
    return value


def forget(user_id: int) -> None:
    cache.delete(_key(user_id))


@receiver(notified, dispatch_uid="notifications_forget_unread")
def _on_notified(sender, user_id, **kwargs):
    forget(user_id)
