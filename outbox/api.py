"""Write side effects into the outbox in the caller's transaction; drain them exactly once.

    from outbox.api import enqueue_email
    enqueue_email(subject=..., body=..., to=[user.email])    # inside the transaction that caused it

`enqueue` (any handler) and `enqueue_email` register one robust on-commit hook that asks Celery to
drain soon; if the broker is unreachable that is logged and nothing else happens: the beat task
drains the rows once the broker is back. The user's request never fails because of it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Message

logger = logging.getLogger(__name__)

EMAIL_HANDLER = "outbox.api.send_email"
MAX_ATTEMPTS = 12


def enqueue(handler: str, payload: dict | None = None, *, dedupe_key: str | None = None) -> Message | None:
    """Record one side effect (`handler` is the dotted path of a function taking the payload's keys).

    Call it inside the transaction of the change that causes it. Returns None when `dedupe_key`
    was already enqueued.
    """
    try:
        with transaction.atomic():
            message = Message.objects.create(handler=handler, payload=payload or {}, dedupe_key=dedupe_key)
    except IntegrityError:
        if dedupe_key and Message.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(kick, robust=True)
    return message


def enqueue_email(*, subject: str, body: str, to: list[str], html: str | None = None,
                  from_email: str | None = None, dedupe_key: str | None = None) -> Message | None:
    """Record one rendered email to be sent after commit."""
    return enqueue(EMAIL_HANDLER, {
        "subject": subject, "body": body, "to": list(to), "html": html,
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
    }, dedupe_key=dedupe_key)


def send_email(*, subject: str, body: str, to: list[str], from_email: str, html: str | None = None) -> None:
    """The email handler (runs in a drainer)."""
    message = mail.EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def kick() -> None:
    """Ask a worker to drain now. Never raises: with the broker down, the beat task drains later."""
    from .tasks import drain_task

    if drain_task.app.conf.task_always_eager:
        drain_task.apply()
        return
    try:
        # A connection of its own that gives up at once: with the broker down the request must not
        # wait out kombu's default retries (about six seconds).
        with drain_task.app.connection_for_write(
            transport_options={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
            connect_timeout=1,
        ) as connection:
            drain_task.apply_async(retry=False, connection=connection)
    except Exception:  # noqa: BLE001 - the broker being down must never reach the user
        logger.warning("outbox: could not ask a worker to drain now; the periodic drain will", exc_info=True)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def drain(*, limit: int | None = None) -> int:
    """Send due messages one by one, each in its own transaction; returns how many were sent.

    `SELECT … FOR UPDATE SKIP LOCKED` hands each row to exactly one drainer; the handler runs and the
    row is marked sent before that transaction commits. A failing handler is logged, the row is
    retried later with backoff (up to MAX_ATTEMPTS), and draining goes on with the next row.
    """
    sent = 0
    while limit is None or sent < limit:
        with transaction.atomic():
            now = timezone.now()
            row = (
                Message.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, available_at__lte=now, attempts__lt=MAX_ATTEMPTS)
                .order_by("available_at", "id")
                .first()
            )
            if row is None:
                return sent
            row.attempts += 1
            try:
                with transaction.atomic():
                    import_string(row.handler)(**row.payload)
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
                logger.exception("outbox: message %s (%s) failed, attempt %s", row.pk, row.handler, row.attempts)
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.available_at = now + _backoff(row.attempts)
                row.save(update_fields=["attempts", "last_error", "available_at"])
                continue
            row.sent_at = timezone.now()
            row.save(update_fields=["attempts", "sent_at"])
            sent += 1
    return sent
