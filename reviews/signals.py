"""Reactions to orders: a completed order opens its review window and invites both sides; any
closing of an order refreshes the expert's measured on-time rate (after commit, in Celery)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from orders.models import Order, OrderEvent

logger = logging.getLogger(__name__)


@receiver(post_save, sender=OrderEvent, dispatch_uid="reviews_order_event")
def order_event_saved(sender, instance: OrderEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.to_status not in (Order.Status.COMPLETED, Order.Status.CANCELLED):
        return
    order = instance.order
    if instance.to_status == Order.Status.COMPLETED:
        from .actions import open_window

        try:
            with transaction.atomic():  # a savepoint: a failure here never undoes the completion
                open_window(order, at=instance.created_at)
        except Exception:  # the window is also opened lazily on the first review
            logger.exception("could not open the review window of order %s", order.pk)
    expert_id = order.expert_id

    def refresh():
        from .tasks import refresh_expert_stats

        refresh_expert_stats.delay(expert_id)

    transaction.on_commit(refresh, robust=True)
