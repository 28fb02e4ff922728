from celery import shared_task


@shared_task(ignore_result=True)
def recompute_response_stats() -> int:
    """Beat task: response time and rate of every expert over the last 90 days."""
    from .stats import compute

    return compute()
