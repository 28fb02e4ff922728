"""Deadline extensions: the expert asks for more days, the buyer accepts or declines."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from azmoodegan.persian import jalali_datetime, to_persian_digits

from ..exceptions import OrderError
from ..models import ExtensionRequest, Order, OrderEvent
from ._base import _ensure_buyer, _ensure_expert, _ensure_status, _lock
from .notify import order_email

MAX_REASON = 1000


def _pending_extension(order: Order) -> ExtensionRequest | None:
    """The order's pending request; the caller holds the order lock, which guards every request row."""
    return ExtensionRequest.objects.filter(order=order, status=ExtensionRequest.Status.PENDING).first()


def _close_pending_extension(order: Order, *, actor=None) -> ExtensionRequest | None:
    """Withdraw the order's pending request, if any: the expert's own choice (`actor`) or, with no
    actor, because the order stopped being worked on (delivered, cancelled, disputed)."""
    pending = _pending_extension(order)
    if pending is None:
        return None
    pending.status = ExtensionRequest.Status.WITHDRAWN
    pending.decided_at = timezone.now()
    pending.save(update_fields=["status", "decided_at"])
    OrderEvent.objects.create(order=order, actor=actor, from_status=order.status, to_status=order.status,
                              kind=OrderEvent.Kind.EXTENSION_WITHDRAWN)
    return pending


@transaction.atomic
def order_extension_request(*, order_id: int, actor, days: int, reason: str) -> ExtensionRequest:
    """The expert asks for `days` (1–30) more days to deliver, with a reason the buyer reads.

    Only while the expert is working (in progress or revision requested), and one pending request
    at a time. Nothing moves until the buyer decides; a late order stays cancellable meanwhile.
    """
    order = _lock(order_id)
    _ensure_expert(order, actor)
    _ensure_status(order, *Order.WORKING)
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not ExtensionRequest.MIN_DAYS <= days <= ExtensionRequest.MAX_DAYS:
        raise OrderError(
            to_persian_digits(_("Ask for between %(min)s and %(max)s days.")
                              % {"min": ExtensionRequest.MIN_DAYS, "max": ExtensionRequest.MAX_DAYS}),
            field="days", code="bad_days",
        )
    reason = (reason or "").strip()[:MAX_REASON]
    if not reason:
        raise OrderError(_("Tell the buyer why you need more time."), field="reason", code="required")
    if _pending_extension(order) is not None:
        raise OrderError(
            _("You already asked for more time; wait for the buyer's answer or withdraw that request."),
            code="extension_pending",
        )
    request = ExtensionRequest.objects.create(order=order, requested_by=actor, days=days, reason=reason)
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=order.status, kind=OrderEvent.Kind.EXTENSION_REQUESTED,
        note=to_persian_digits(_("%(days)s more days: %(reason)s") % {"days": days, "reason": reason}),
    )
    order_email(order, "extension_requested", to=order.buyer, extra={"days": days})
    return request


@transaction.atomic
def order_extension_decide(*, order_id: int, actor, request_id: int, accept: bool) -> ExtensionRequest:
    """The buyer accepts or declines the expert's pending request `request_id`.

    Accepting moves `due_at` by the request's days (from the current due date, late or not).
    The id names the request the buyer read, so a request withdrawn and asked again meanwhile is
    never accepted unseen.
    """
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    pending = _pending_extension(order)
    if pending is None or pending.pk != int(request_id):
        raise OrderError(_("This request for more time is no longer waiting for an answer."),
                         code="extension_not_pending")
    _ensure_status(order, *Order.WORKING)
    now = timezone.now()
    pending.decided_at = now
    if accept:
        pending.status = ExtensionRequest.Status.ACCEPTED
        pending.previous_due_at = order.due_at
        order.due_at = (order.due_at or now) + dt.timedelta(days=pending.days)
        pending.new_due_at = order.due_at
        order.save(update_fields=["due_at", "updated_at"])
        note = _("New due date: %(date)s") % {"date": jalali_datetime(order.due_at)}
    else:
        pending.status = ExtensionRequest.Status.DECLINED
        note = ""
    pending.save()
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=order.status,
        kind=OrderEvent.Kind.EXTENSION_ACCEPTED if accept else OrderEvent.Kind.EXTENSION_DECLINED, note=note,
    )
    order_email(order, f"extension_{pending.status}", to=order.expert, extra={"days": pending.days})
    return pending


@transaction.atomic
def order_extension_withdraw(*, order_id: int, actor) -> ExtensionRequest:
    """The expert takes back their pending request (to ask for a different number of days)."""
    order = _lock(order_id)
    _ensure_expert(order, actor)
    withdrawn = _close_pending_extension(order, actor=actor)
    if withdrawn is None:
        raise OrderError(_("There is no request for more time waiting for an answer."),
                         code="extension_not_pending")
    order_email(order, "extension_withdrawn", to=order.buyer)
    return withdrawn
