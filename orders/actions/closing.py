"""Completing (confirmed, or automatically after AUTO_COMPLETE_DAYS) and cancelling an order."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from escrow import actions as escrow
from escrow import ledger
from outbox import api as outbox
from services.models import Service

from ..exceptions import OrderTransitionError
from ..models import Order, OrderEvent
from ._base import MAX_TEXT, S, _ensure_buyer, _ensure_status, _lock
from .cancellation import close_pending_cancellation, pending_cancellation
from .extensions import _close_pending_extension
from .notify import order_email

logger = logging.getLogger(__name__)


def _complete(order: Order, *, actor, kind: str) -> None:
    """Release and complete, in the caller's transaction: the money, the status and the event.

    Everything else the completion causes (the thread's system line, both notices, the review
    window and its invitations, the service's completed count, the expert's email) is written to
    the outbox in one INSERT and done by a drainer after commit: exactly once, even if a worker or
    the broker dies meanwhile (the row is the durable record).
    """
    with outbox.collected():
        close_pending_cancellation(order)
        escrow.escrow_release(
            order_ref=order.pk, expert=order.expert_id, buyer=order.buyer_id, amount=order.price,
            platform_fee=order.buyer_fee, actor=actor, commission_percent=order.commission_percent,
        )
        order.move_and_save(S.COMPLETED, actor=actor, kind=kind, completed_at=timezone.now())
        # The catalogue's denormalised count (cards, search) follows the completion.
        outbox.enqueue(COUNT_COMPLETION, {"service": order.service_id})
        order_email(order, "completed", to=order.expert_id)


COUNT_COMPLETION = "orders.actions.closing.count_completion"


def count_completion(*, service: int) -> None:
    """The outbox handler: one more completed order on the service's cards."""
    Service.objects.filter(pk=service).update(completed_orders=F("completed_orders") + 1)


@transaction.atomic(durable=True)
def order_confirm(*, order_id: int, actor) -> Order:
    """The buyer confirms the delivery: the order completes and the expert is paid (once).

    price − commission goes to the expert's pending balance and the commission (and any buyer
    fee) to platform revenue, in the same transaction as the status change.
    """
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.DELIVERED)
    _complete(order, actor=actor, kind=OrderEvent.Kind.CONFIRMED)
    return order


def order_auto_complete(*, now: dt.datetime | None = None) -> int:
    """Complete every order delivered more than AUTO_COMPLETE_DAYS ago without an answer.

    Each order in its own transaction; a bad row is logged and retried on the next run, and the
    others go on. An order with a request to cancel waiting for an answer waits for it (it lapses
    after 48 hours). Returns how many completed; a rerun finds nothing left.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUTO_COMPLETE_DAYS)
    ids = list(Order.objects.filter(status=S.DELIVERED, delivered_at__lt=cutoff).values_list("pk", flat=True))
    done = 0
    for order_id in ids:
        try:
            with transaction.atomic(durable=True):
                order = _lock(order_id)
                if order.status != S.DELIVERED or not order.delivered_at or order.delivered_at >= cutoff:
                    continue
                if pending_cancellation(order) is not None:
                    continue
                _complete(order, actor=None, kind=OrderEvent.Kind.AUTO_COMPLETED)
                done += 1
        except Exception:
            logger.exception("auto-completing order %s failed; retried next run", order_id)
    return done


@transaction.atomic(durable=True)
def order_cancel(*, order_id: int, actor, reason: str = "") -> Order:
    """Cancel an order and return whatever its escrow holds to the buyer's wallet.

    The buyer may cancel an unpaid order, a paid order whose requirements they have not sent yet
    (the expert has not started), or a late order (past `due_at`, not delivered) for a full refund.
    Staff may cancel any open order that is not delivered.
    """
    order = _lock(order_id)
    is_staff = bool(actor and actor.is_staff and actor.pk not in (order.buyer_id, order.expert_id))
    if not is_staff:
        _ensure_buyer(order, actor)
    if order.status in Order.WORKING and not is_staff and not order.is_late:
        raise OrderTransitionError(
            _("You can cancel this order for a full refund once its delivery time has passed."), code="not_late"
        )
    if order.status not in (S.PENDING_PAYMENT, S.AWAITING_REQUIREMENTS, *Order.WORKING):
        raise OrderTransitionError(
            _("This order cannot be cancelled while it is “%(status)s”.") % {"status": order.get_status_display()}
        )
    # A pending request for more time does not take away the buyer's right to cancel a late order.
    _close_pending_extension(order)
    close_pending_cancellation(order)
    order.transition_to(S.CANCELLED, actor=actor, kind=OrderEvent.Kind.CANCELLED, note=(reason or "")[:MAX_TEXT])
    held = ledger.escrow_balance(order.pk)
    if held > 0:
        escrow.escrow_refund(order_ref=order.pk, buyer=order.buyer, amount=held, n="cancel", actor=actor)
    order.cancelled_at = timezone.now()
    order.save()
    if held > 0:
        order_email(order, "cancelled", to=order.expert)
    return order
