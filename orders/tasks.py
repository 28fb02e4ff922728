"""Background work for orders."""

from celery import shared_task


@shared_task
def auto_complete_delivered_orders() -> int:
    """Beat task: complete orders delivered AUTO_COMPLETE_DAYS ago without an answer (idempotent)."""
    from .actions import auto_complete_delivered_orders as run

    return run()
