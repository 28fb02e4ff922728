"""Emails to a party of an order, written to the outbox in the same transaction (DESIGN.md §3)."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from outbox.api import enqueue_email

from ..models import Order


def order_email(order: Order, what: str, *, to, extra: Mapping[str, object] | None = None) -> None:
    """Write one email about `order` to `to` (a user) into the outbox, in the caller's transaction.

    It leaves only if the transaction commits, exactly once, even if the broker is down meanwhile
    (the outbox's drainers send it when it is back). `extra` adds plain values to the templates'
    context.
    """
    if to is None or not to.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"order": order, "user": to, "what": what, "url": _site_url(order.get_absolute_url()),
                   **dict(extra or {})}
        subject = render_to_string("orders/email/subject.txt", context).strip()
        body = render_to_string("orders/email/body.txt", context)
    enqueue_email(subject=subject, body=body, to=[to.email])


def _site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"
