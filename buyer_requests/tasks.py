"""Beat tasks of buyer requests (idempotent; each takes no arguments)."""

from celery import shared_task


@shared_task
def requests_expire_task() -> int:
    """Open requests and offers past their expiry become expired."""
    from .actions import offer_expire_due, request_expire_due

    return request_expire_due() + offer_expire_due()


@shared_task
def requests_warn_expiring_task() -> int:
    from .actions import request_warn_expiring

    return request_warn_expiring()


@shared_task
def requests_digest_task() -> int:
    """One notification per expert per day with the new requests in their categories."""
    from .actions import digest_send

    return digest_send()
