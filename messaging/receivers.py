"""Order events become system lines of the order's thread, and an in-app notice to the other party.

Connected to `post_save` of `orders.OrderEvent`, so the orders app needs no change; it runs in the
same transaction as the event (the order row is already locked by the orders action).
"""

from __future__ import annotations

from django.db.models.signals import post_save

from notifications.api import notify

from .notifications import ORDER_EVENT_KINDS


def _order_event_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    from . import actions
    from .models import Message

    event = instance
    order = event.order
    conversation = actions.order_conversation(order)
    text = event.label
    if event.shows_note:
        text = f"{text}: {event.note}"
    actions.system_line(conversation, text, order_event=event, kind=Message.Kind.ORDER_EVENT)
    kind = ORDER_EVENT_KINDS.get(event.kind)
    if kind is not None:
        for user in (order.buyer, order.expert):
            notify(user, kind.name, order, actor=event.actor, title=order.title)


def _payout_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """A withdrawal marked paid: tell its owner (once: the row leaves "requested" only once)."""
    from django.urls import reverse

    from azmoodegan.persian import format_toman

    if raw or created or instance.status != instance.Status.PAID:
        return
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Notification

    if Notification.objects.filter(kind="withdrawal_paid", target_id=instance.pk,
                                   target_type=ContentType.objects.get_for_model(instance)).exists():
        return
    notify(instance.user, "withdrawal_paid", instance, url=reverse("escrow:wallet"),
           amount=format_toman(instance.amount))


def connect() -> None:
    from escrow.models import Payout
    from orders.models import OrderEvent

    post_save.connect(_order_event_saved, sender=OrderEvent, dispatch_uid="messaging_order_event")
    post_save.connect(_payout_saved, sender=Payout, dispatch_uid="messaging_payout_paid")


connect()

