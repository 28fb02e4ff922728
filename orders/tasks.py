"""Background work for orders."""

from celery import shared_task


@shared_task
def order_auto_complete_task() -> int:
    """Beat task: complete orders delivered AUTO_COMPLETE_DAYS ago without an answer (idempotent)."""
    from .actions import order_auto_complete

    return order_auto_complete()
