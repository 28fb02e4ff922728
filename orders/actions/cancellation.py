"""Cancellation by mutual agreement once work has started (DESIGN.md §4, issue #9).

One side asks with a reason; the other accepts or declines within 48 hours, else the request
lapses (beat task). Accepting cancels the order and returns everything its escrow holds (the
buyer's fee too) to the buyer's wallet in one transfer, `refund:<order>:mutual`. Each step locks
the order row, so an acceptance racing a confirmation, a dispute or auto-completion ends in
exactly one outcome.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from azmoodegan.compiled import CompiledInstances
from escrow import actions as escrow
from escrow import ledger

from ..exceptions import OrderError, OrderPermissionError, OrderTransitionError
from ..models import CancellationRequest, Order, OrderEvent
from ._base import S, _lock
from .extensions import _close_pending_extension
from .notify import order_email

logger = logging.getLogger(__name__)
MAX_REASON = 1000
# Statuses in which the parties may agree to cancel: the expert has started and the order is open.
CANCELLABLE_BY_AGREEMENT = (S.IN_PROGRESS, S.REVISION_REQUESTED, S.DELIVERED)


# Asked by every completion, dispute and cancellation: the SQL is built once per process.
_PENDING = CompiledInstances(
    CancellationRequest,
    lambda order_id: CancellationRequest.objects.filter(
        order_id=order_id, status=CancellationRequest.Status.PENDING)[:1],  # as .first(): the newest
    1,
)


def pending_cancellation(order: Order) -> CancellationRequest | None:
    """The order's request waiting for an answer (the caller holds the order lock)."""
    found = _PENDING.instances(order.pk)
    return found[0] if found else None


def close_pending_cancellation(order: Order, *, status: str = CancellationRequest.Status.WITHDRAWN,
                               actor=None, now=None) -> CancellationRequest | None:
    """End the pending request, if any (the order closed, a dispute opened, or it lapsed)."""
    pending = pending_cancellation(order)
    if pending is None:
        return None
    pending.status = status
    pending.decided_at = now or timezone.now()
    pending.save(update_fields=["status", "decided_at"])
    kind = (OrderEvent.Kind.CANCELLATION_LAPSED if status == CancellationRequest.Status.LAPSED
            else OrderEvent.Kind.CANCELLATION_WITHDRAWN)
    OrderEvent.objects.create(order=order, actor=actor, from_status=order.status, to_status=order.status, kind=kind)
    return pending


def _other(order: Order, user):
    return order.expert if user.pk == order.buyer_id else order.buyer


@transaction.atomic
def order_cancellation_request(*, order_id: int, actor, reason: str) -> CancellationRequest:
    """The buyer or the expert asks the other to cancel the order by agreement."""
    order = _lock(order_id)
    if order.party(actor) not in ("buyer", "expert"):
        raise OrderPermissionError(_("Only the buyer or the expert of this order can ask to cancel it."))
    if order.status not in CANCELLABLE_BY_AGREEMENT:
        raise OrderTransitionError(
            _("Cancelling by agreement is not possible while the order is “%(status)s”.")
            % {"status": order.get_status_display()}, code="not_cancellable")
    reason = (reason or "").strip()[:MAX_REASON]
    if not reason:
        raise OrderError(_("Write why you want to cancel, so the other side can decide."), field="reason",
                         code="required")
    if pending_cancellation(order) is not None:
        raise OrderError(_("A request to cancel is already waiting for an answer."), code="cancellation_pending")
    now = timezone.now()
    row = CancellationRequest.objects.create(
        order=order, requested_by=actor, reason=reason,
        expires_at=now + dt.timedelta(hours=CancellationRequest.ANSWER_HOURS),
    )
    OrderEvent.objects.create(order=order, actor=actor, from_status=order.status, to_status=order.status,
                              kind=OrderEvent.Kind.CANCELLATION_REQUESTED, note=reason)
    order_email(order, "cancellation_requested", to=_other(order, actor))
    return row


@transaction.atomic(durable=True)
def order_cancellation_answer(*, order_id: int, actor, request_id: int, accept: bool) -> CancellationRequest:
    """The other side accepts (full refund, order cancelled) or declines the pending request
    `request_id` (the one they read). After 48 hours it has lapsed and cannot be accepted."""
    order = _lock(order_id)
    pending = pending_cancellation(order)
    if order.party(actor) not in ("buyer", "expert"):
        raise OrderPermissionError(_("Only the buyer or the expert of this order can answer."))
    if pending is None or pending.pk != int(request_id):
        raise OrderError(_("This request to cancel is no longer waiting for an answer."),
                         code="cancellation_not_pending")
    if pending.requested_by_id == actor.pk:
        raise OrderPermissionError(_("The other side answers your request; you may withdraw it."))
    now = timezone.now()
    if now >= pending.expires_at:
        close_pending_cancellation(order, status=CancellationRequest.Status.LAPSED, now=now)
        raise OrderError(_("This request to cancel lapsed: it was not answered within 48 hours."),
                         code="cancellation_lapsed")
    if order.status not in CANCELLABLE_BY_AGREEMENT:
        raise OrderTransitionError(
            _("Cancelling by agreement is not possible while the order is “%(status)s”.")
            % {"status": order.get_status_display()}, code="not_cancellable")
    pending.decided_at = now
    if not accept:
        pending.status = CancellationRequest.Status.DECLINED
        pending.save(update_fields=["status", "decided_at"])
        OrderEvent.objects.create(order=order, actor=actor, from_status=order.status, to_status=order.status,
                                  kind=OrderEvent.Kind.CANCELLATION_DECLINED)
        order_email(order, "cancellation_declined", to=pending.requested_by)
        return pending
    pending.status = CancellationRequest.Status.ACCEPTED
    pending.save(update_fields=["status", "decided_at"])
    _close_pending_extension(order)
    order.transition_to(S.CANCELLED, actor=actor, kind=OrderEvent.Kind.CANCELLATION_ACCEPTED)
    held = ledger.escrow_balance(order.pk)
    if held > 0:
        escrow.escrow_refund(order_ref=order.pk, buyer=order.buyer, amount=held, n="mutual", actor=actor)
    order.cancelled_at = now
    order.save()
    order_email(order, "cancellation_accepted", to=pending.requested_by)
    return pending


@transaction.atomic
def order_cancellation_withdraw(*, order_id: int, actor) -> CancellationRequest:
    order = _lock(order_id)
    pending = pending_cancellation(order)
    if pending is None or pending.requested_by_id != getattr(actor, "pk", None):
        raise OrderError(_("There is no request to cancel of yours waiting for an answer."),
                         code="cancellation_not_pending")
    return close_pending_cancellation(order, actor=actor)


def order_cancellation_lapse(*, now: dt.datetime | None = None) -> int:
    """Beat task: requests not answered within 48 hours lapse (each in its own transaction)."""
    now = now or timezone.now()
    ids = list(CancellationRequest.objects.filter(status=CancellationRequest.Status.PENDING, expires_at__lte=now)
               .values_list("order_id", flat=True))
    done = 0
    for order_id in ids:
        try:
            with transaction.atomic(durable=True):
                order = _lock(order_id)
                pending = pending_cancellation(order)
                if pending is None or pending.expires_at > now:
                    continue
                close_pending_cancellation(order, status=CancellationRequest.Status.LAPSED, now=now)
                order_email(order, "cancellation_lapsed", to=pending.requested_by)
                done += 1
        except Exception:
            logger.exception("lapsing the cancellation request of order %s failed; retried next run", order_id)
    return done


