"""Celery tasks of the reviews app (ids in, idempotent)."""

from celery import shared_task


@shared_task
def close_review_windows() -> int:
    """Hourly: publish the reviews of orders whose review window closed."""
    from .actions import close_due_windows

    return close_due_windows()


@shared_task
def send_review_reminders() -> int:
    """Hourly: remind whoever has not reviewed, a few days before the window closes."""
    from .actions import send_reminders

    return send_reminders()


@shared_task
def recompute_levels() -> dict:
    """Monthly: every expert's level from the last LEVEL_PERIOD_DAYS days."""
    from .metrics import recompute_all_levels

    return recompute_all_levels()


@shared_task
def refresh_expert_stats(expert_id: int) -> None:
    from .metrics import refresh_expert_stats as refresh

    refresh(expert_id)
