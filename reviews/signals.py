"""Reactions to orders: a completed order opens its review window and invites both sides; any
closing of an order refreshes the expert's measured on-time rate (in Celery).

The receiver only writes an outbox row in the event's transaction; a drainer does the rest after
commit (`order_closed_effects`), exactly once, even if a worker or the broker dies meanwhile. Until
then the window counts as open (the first review opens it too, from the completion's time).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from orders.models import Order, OrderEvent
from outbox.api import database_only, enqueue

logger = logging.getLogger(__name__)

HANDLER = "reviews.signals.order_closed_effects"


@receiver(post_save, sender=OrderEvent, dispatch_uid="reviews_order_event")
def order_event_saved(sender, instance: OrderEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.to_status not in (Order.Status.COMPLETED, Order.Status.CANCELLED):
        return
    enqueue(HANDLER, {"event": instance.pk})


@database_only
def order_closed_effects(*, event: int) -> None:
    """The outbox handler: open the review window of a completed order (from the completion's
    time) and invite both sides; ask Celery to refresh the expert's rates after commit."""
    try:
        event = OrderEvent.objects.select_related("order").get(pk=event)
    except OrderEvent.DoesNotExist:
        return
    order = event.order
    if event.to_status == Order.Status.COMPLETED:
        from .actions import open_window

        try:
            with transaction.atomic():  # a savepoint: a failure here never holds back the other effects
                open_window(order, at=event.created_at)
        except Exception:  # the window is also opened lazily on the first review
            logger.exception("could not open the review window of order %s", order.pk)
    expert_id = order.expert_id

    def refresh():
        from .tasks import refresh_expert_stats

        refresh_expert_stats.delay(expert_id)

    transaction.on_commit(refresh, robust=True)
