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


def connect() -> None:
    from orders.models import OrderEvent

    post_save.connect(_order_event_saved, sender=OrderEvent, dispatch_uid="messaging_order_event")


connect()

