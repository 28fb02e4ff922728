"""Order events become system lines of the order's thread, and an in-app notice to the other party.

Connected to `post_save` of `orders.OrderEvent`, so the orders app needs no change. The receiver
only writes an outbox row in the event's transaction; a drainer writes the line and the notices
after commit (`order_event_effects`), exactly once, even if a worker or the broker dies meanwhile.
"""

from __future__ import annotations

import functools

from django.db.models.signals import post_save

from azmoodegan import compiled
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
    from accounts.models import User
    from orders.models import OrderEvent

    from . import actions
    from .models import Conversation, Message

    found = _event_with_thread(event)
    if found is None:
        return
    event, order, conversation = found
    if conversation is None:
        conversation = actions.order_conversation(order)
    # Lines in the order the events happened, whatever order the drainers take them in (two drainers
    # run at once, and a row may be retried): under the thread's lock, this event's line comes with
    # those of the order's earlier events still without one; a line already written is not written again.
    Conversation.objects.select_for_update().filter(pk=conversation.pk).values_list("pk").get()
    missing = (OrderEvent.objects.filter(order_id=order.pk, pk__lte=event.pk)
               .exclude(pk__in=Message.objects.filter(conversation_id=conversation.pk, order_event__isnull=False)
                        .values("order_event_id"))
               .order_by("pk"))
    for earlier in missing:
        text = earlier.label
        if earlier.shows_note:
            text = f"{text}: {earlier.note}"
        actions.system_line(conversation, text, order_event=earlier, kind=Message.Kind.ORDER_EVENT)
    kind = ORDER_EVENT_KINDS.get(event.kind)
    if kind is not None:
        actor = User(pk=event.actor_id) if event.actor_id is not None else None
        for user_id in (order.buyer_id, order.expert_id):
            notify(User(pk=user_id), kind.name, order, actor=actor, title=order.title)


@functools.cache
def _event_query():
    """The event, its order and the order's thread (if it has one yet) by the event's id: one query,
    compiled once per process (azmoodegan/compiled.py). The parties and the actor are needed for
    their ids only."""
    from orders.models import Order, OrderEvent

    from .models import Conversation

    def names(model):
        return tuple(f.name for f in model._meta.concrete_fields if not f.primary_key)

    fields = names(OrderEvent), names(Order), names(Conversation)
    columns = ["id", *fields[0], "order__id", *(f"order__{n}" for n in fields[1]),
               "order__conversation__id", *(f"order__conversation__{n}" for n in fields[2])]
    return compiled.CompiledValues(lambda pk: OrderEvent.objects.filter(pk=pk).order_by().values(*columns), 1), fields


def _event_with_thread(event_id: int):
    from orders.models import Order, OrderEvent

    from .models import Conversation

    query, (event_fields, order_fields, conversation_fields) = _event_query()
    rows = query.rows(int(event_id))
    if not rows:
        return None
    event = compiled.instance(OrderEvent, rows[0], "", event_fields, using=query.using)
    order = compiled.instance(Order, rows[0], "order__", order_fields, using=query.using)
    conversation = compiled.instance(Conversation, rows[0], "order__conversation__", conversation_fields, using=query.using)
    event._state.fields_cache["order"] = order
    if conversation is not None:
        conversation._state.fields_cache["order"] = order
    return event, order, conversation


def connect() -> None:
    from orders.models import OrderEvent

    post_save.connect(_order_event_saved, sender=OrderEvent, dispatch_uid="messaging_order_event")


connect()
