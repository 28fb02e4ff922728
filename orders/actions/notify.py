"""Emails to a party of an order, queued after the transaction commits."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from ..models import Order


def order_email(order: Order, what: str, *, to, extra: Mapping[str, object] | None = None) -> None:
    """Queue one email about `order` to `to` (a user) after the transaction commits.

    `extra` adds plain values (ids, numbers) to the templates' context.
    """
    order_id, user_id, extra = order.pk, to.pk, dict(extra or {})

    def send():
        from accounts.models import User
        from accounts.tasks import send_email

        user = User.objects.filter(pk=user_id).first()
        fresh = Order.objects.filter(pk=order_id).first()
        if user is None or fresh is None or not user.email:
            return
        with translation.override(settings.LANGUAGE_CODE):
            context = {"order": fresh, "user": user, "what": what, "url": _site_url(fresh.get_absolute_url()),
                       **extra}
            subject = render_to_string("orders/email/subject.txt", context).strip()
            body = render_to_string("orders/email/body.txt", context)
        send_email.delay(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])

    transaction.on_commit(send)


def _site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"
