"""Order events become system lines of the order's thread, and an in-app notice to the other party.

Connected to `post_save` of `orders.OrderEvent`, so the orders app needs no change. The receiver
only writes an outbox row in the event's transaction; a drainer writes the line and the notices
after commit (`order_event_effects`), exactly once, even if a worker or the broker dies meanwhile.
"""

from __future__ import annotations

from django.db.models.signals import post_save

from notifications.api import notify
from outbox.api import database_only, enqueue

from .notifications import ORDER_EVENT_KINDS

HANDLER = "messaging.receivers.order_event_effects"


def _order_event_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    enqueue(HANDLER, {"event": instance.pk})


@database_only
def order_event_effects(*, event: int) -> None:
    """The outbox handler: the event's system line in the order's thread and the notices."""
    from django.core.exceptions import ObjectDoesNotExist

    from accounts.models import User
    from orders.models import OrderEvent

    from . import actions
    from .models import Message

    # One query: the event, its order and the order's thread (if it has one yet). The parties and
    # the actor are needed for their ids only.
    event = OrderEvent.objects.select_related("order__conversation").filter(pk=event).first()
    if event is None:
        return
    order = event.order
    try:
        conversation = order.conversation
    except ObjectDoesNotExist:
        conversation = actions.order_conversation(order)
    text = event.label
    if event.shows_note:
        text = f"{text}: {event.note}"
    actions.system_line(conversation, text, order_event=event, kind=Message.Kind.ORDER_EVENT)
    kind = ORDER_EVENT_KINDS.get(event.kind)
    if kind is not None:
        actor = User(pk=event.actor_id) if event.actor_id is not None else None
        for user_id in (order.buyer_id, order.expert_id):
            notify(User(pk=user_id), kind.name, order, actor=actor, title=order.title)


def connect() -> None:
    from orders.models import OrderEvent

    post_save.connect(_order_event_saved, sender=OrderEvent, dispatch_uid="messaging_order_event")


connect()
