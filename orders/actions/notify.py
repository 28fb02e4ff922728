"""Emails to a party of an order, written to the outbox in the same transaction (DESIGN.md §3)."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from outbox.api import enqueue, send_email

from ..models import Order

EMAIL_HANDLER = "orders.actions.notify.send_order_email"


def order_email(order: Order, what: str, *, to, extra: Mapping[str, object] | None = None) -> None:
    """Write one email about `order` to `to` (a user or a user id) into the outbox, in the caller's
    transaction.

    It leaves only if the transaction commits, exactly once, even if the broker is down meanwhile
    (the outbox's drainers send it when it is back). The row holds ids only: the drainer renders
    the email (so the action reads no user row and renders no template). `extra` adds plain JSON
    values to the templates' context.
    """
    if to is None:
        return
    enqueue(EMAIL_HANDLER, {"order": order.pk, "what": what, "to": getattr(to, "pk", to), "extra": dict(extra or {})},
            alone=True)


def send_order_email(*, order: int, what: str, to: int, extra: dict | None = None) -> None:
    """The outbox handler: render the email now and send it (nothing if the user has no address)."""
    from accounts.models import User

    # One query: the order with both parties and their expert profiles (the greeting's name).
    order_row = (Order.objects.select_related("buyer__expert_profile", "expert__expert_profile")
                 .filter(pk=order).first())
    if order_row is not None and to in (order_row.buyer_id, order_row.expert_id):
        user = order_row.buyer if to == order_row.buyer_id else order_row.expert
    else:
        user = User.objects.select_related("expert_profile").filter(pk=to).first()
    if user is None or not user.email:
        return
    if order_row is None:
        raise Order.DoesNotExist(f"Order {order} does not exist.")
    with translation.override(settings.LANGUAGE_CODE):
        context = {"order": order_row, "user": user, "what": what, "url": _site_url(order_row.get_absolute_url()),
                   **dict(extra or {})}
        subject = render_to_string("orders/email/subject.txt", context).strip()
        body = render_to_string("orders/email/body.txt", context)
    send_email(subject=subject, body=body, to=[user.email], from_email=settings.DEFAULT_FROM_EMAIL)


def _site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"
