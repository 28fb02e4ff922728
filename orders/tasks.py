"""Background work for orders."""

from celery import shared_task


@shared_task
def order_auto_complete_task() -> int:
    """Beat task: complete orders delivered AUTO_COMPLETE_DAYS ago without an answer (idempotent)."""
    from .actions import order_auto_complete

    return order_auto_complete()


@shared_task
def order_expire_unpaid_task() -> int:
    """Beat task: cancel orders left unpaid for 24 hours (each in its own transaction)."""
    from .actions import order_expire_unpaid

    return order_expire_unpaid()


@shared_task
def order_cancellation_lapse_task() -> int:
    """Beat task: requests to cancel by agreement lapse after 48 hours without an answer."""
    from .actions import order_cancellation_lapse

    return order_cancellation_lapse()
