"""Emails to a party of an order, written to the outbox in the same transaction (DESIGN.md §3)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from azmoodegan.compiled import CompiledValues, instance
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
    from azmoodegan.auth_backends import user_with_profile

    order_row = _order_with_parties(order)
    if order_row is not None and to in (order_row.buyer_id, order_row.expert_id):
        user = order_row.buyer if to == order_row.buyer_id else order_row.expert
    else:
        user = user_with_profile(to)
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


@functools.cache
def _order_query():
    """The order, both parties and their expert profiles (the greeting's name) by the order's id: one
    query, compiled once per process (azmoodegan/compiled.py; the ORM spent more CPU building this
    five-table join than PostgreSQL spent running it)."""
    from accounts.models import ExpertProfile, User

    def names(model):
        return tuple(f.name for f in model._meta.concrete_fields if not f.primary_key)

    order_fields, user_fields, profile_fields = names(Order), names(User), names(ExpertProfile)
    columns = ["id", *order_fields]
    for side in ("buyer", "expert"):
        columns += [f"{side}__id", *(f"{side}__{n}" for n in user_fields),
                    f"{side}__expert_profile__id", *(f"{side}__expert_profile__{n}" for n in profile_fields)]
    query = CompiledValues(lambda pk: Order.objects.filter(pk=pk).order_by().values(*columns), 1)
    return query, order_fields, user_fields, profile_fields


def _order_with_parties(order_id: int) -> Order | None:
    from accounts.models import ExpertProfile, User

    query, order_fields, user_fields, profile_fields = _order_query()
    rows = query.rows(int(order_id))
    if not rows:
        return None
    row = rows[0]
    order = instance(Order, row, "", order_fields, using=query.using)
    for side in ("buyer", "expert"):
        user = instance(User, row, f"{side}__", user_fields, using=query.using)
        profile = instance(ExpertProfile, row, f"{side}__expert_profile__", profile_fields, using=query.using)
        if profile is not None:
            profile._state.fields_cache["user"] = user
        user._state.fields_cache["expert_profile"] = profile
        order._state.fields_cache[side] = user
    return order


def _site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"
