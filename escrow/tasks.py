"""Periodic money work (CELERY_BEAT_SCHEDULE): clearance and payment reconciliation. Both idempotent."""

from celery import shared_task


@shared_task
def earnings_clear_task() -> int:
    """Move expert earnings older than CLEARANCE_DAYS from pending to available."""
    from .actions import earnings_clear

    return earnings_clear()


@shared_task
def payment_reconcile_task() -> dict:
    """Ask the bank about payments left in `initiated`/`verifying` and record the answers."""
    from .actions import payment_reconcile

    return payment_reconcile()
