"""Periodic money work (CELERY_BEAT_SCHEDULE): clearance and payment reconciliation. Both idempotent."""

from celery import shared_task


@shared_task
def clear_pending_task() -> int:
    """Move expert earnings older than CLEARANCE_DAYS from pending to available."""
    from .actions import clear_pending

    return clear_pending()


@shared_task
def reconcile_payments_task() -> dict:
    """Ask the bank about payments left in `initiated`/`verifying` and record the answers."""
    from .actions import payments_reconcile

    return payments_reconcile()


@shared_task
def dispatch_payouts_task() -> int:
    """Hand requested withdrawals to the payout provider, one batch per run; returns its size."""
    from .actions import payouts_dispatch

    batch = payouts_dispatch()
    return batch.count if batch else 0
