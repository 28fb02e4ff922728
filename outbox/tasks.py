"""Draining the outbox: kicked after each commit that wrote a message, and every minute by beat."""

from celery import shared_task


@shared_task(ignore_result=True)
def drain_task() -> int:
    from .api import drain

    return drain()
