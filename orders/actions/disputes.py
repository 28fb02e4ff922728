"""Disputes: either party opens one; staff settle it with a refund, a release or a split."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from azmoodegan.persian import format_toman
from escrow import actions as escrow
from escrow import ledger
from escrow.exceptions import EscrowError
from services.models import Service

from ..exceptions import OrderError, OrderPermissionError, OrderTransitionError
from ..models import Dispute, Order, OrderEvent
from ._base import MAX_TEXT, S, _lock
from .extensions import _close_pending_extension
from .notify import order_email


@dataclass(frozen=True)
class Settlement:
    """Where an order's escrow goes when its dispute is settled (all in Rials)."""

    buyer: int  # back to the buyer's wallet
    expert: int  # the expert's part of the price, before commission
    commission: int  # the platform's commission on the expert's part
    fee_kept: int  # the buyer's fee the platform keeps (none on a full refund)

    @property
    def expert_net(self) -> int:
        return self.expert - self.commission


def dispute_shareable(held: int, buyer_fee: int) -> int:
    """The price part of what the escrow holds: what a split divides between buyer and expert."""
    return held - min(buyer_fee, held)


def dispute_settlement(outcome: str, *, held: int, buyer_fee: int, buyer_amount: int = 0) -> Settlement:
    """The settlement arithmetic, shared by `order_dispute_resolve` and the admin's preview.

    `refund` returns everything held (the buyer's fee too); `release` pays the whole price part
    to the expert; `split` returns `buyer_amount` (0 … the price part, checked by the caller) and
    pays the rest of the price part to the expert. Outside a refund the platform keeps the fee.
    """
    if outcome == Dispute.Outcome.REFUND:
        return Settlement(buyer=held, expert=0, commission=0, fee_kept=0)
    shareable = dispute_shareable(held, buyer_fee)
    buyer = 0 if outcome == Dispute.Outcome.RELEASE else int(buyer_amount)
    expert = shareable - buyer
    return Settlement(buyer=buyer, expert=expert, commission=escrow.commission_calculate(expert),
                      fee_kept=held - shareable)


@transaction.atomic
def order_dispute_open(*, order_id: int, actor, reason: str) -> Dispute:
    """The buyer or the expert asks Azmoodegan to settle a disagreement; the order becomes `disputed`.

    Possible once the expert has started and until the order closes (in progress, delivered,
    revision requested). The escrow stays held and nothing else moves (no delivery, confirmation,
    cancellation or auto-complete) until staff resolve it with `order_dispute_resolve`.
    """
    order = _lock(order_id)
    role = order.party(actor)
    if role not in ("buyer", "expert"):
        raise OrderPermissionError(_("Only the buyer or the expert of this order can open a dispute."))
    if order.status == S.DISPUTED:
        raise OrderTransitionError(_("This order is already in dispute."), code="already_disputed")
    if order.status not in Order.DISPUTABLE:
        raise OrderTransitionError(
            _("A dispute cannot be opened while the order is “%(status)s”.") % {"status": order.get_status_display()}
        )
    if Dispute.objects.filter(order=order).exists():
        raise OrderTransitionError(_("This order already had a dispute."), code="already_disputed")
    reason = (reason or "").strip()[:MAX_TEXT]
    if not reason:
        raise OrderError(_("Explain what went wrong, so our team can decide fairly."), field="reason",
                         code="required")
    _close_pending_extension(order)
    dispute = Dispute.objects.create(order=order, opened_by=actor, reason=reason)
    order.transition_to(S.DISPUTED, actor=actor, kind=OrderEvent.Kind.DISPUTED, note=reason)
    order.save(update_fields=["status", "updated_at"])
    other = order.expert if role == "buyer" else order.buyer
    order_email(order, "disputed", to=other)
    return dispute


def _resolution_note(dispute: Dispute) -> str:
    """The outcome in a sentence, with the amounts, for the `resolved` event (then the staff note)."""
    Outcome = Dispute.Outcome
    if dispute.outcome == Outcome.REFUND:
        text = _("Outcome: %(amount)s refunded to the buyer.") % {"amount": format_toman(dispute.buyer_amount)}
    elif dispute.outcome == Outcome.RELEASE:
        text = _("Outcome: the payment was released to the expert.")
    else:
        text = _("Outcome: split; %(buyer)s refunded to the buyer and %(expert)s to the expert (before commission).") % {
            "buyer": format_toman(dispute.buyer_amount), "expert": format_toman(dispute.expert_amount)}
    return f"{text}\n{dispute.note}" if dispute.note else text


@transaction.atomic(durable=True)
def order_dispute_resolve(
    *, order_id: int, actor, outcome: str, buyer_amount: int | None = None, note: str,
) -> Dispute:
    """Staff settle an order's dispute; the escrow is emptied in the same transaction.

    - `refund`: everything the escrow holds goes back to the buyer's wallet; the order is cancelled.
    - `release`: as a confirmation: price − commission to the expert, commission (and any buyer fee)
      to the platform; the order is completed.
    - `split`: `buyer_amount` Rials back to the buyer, the rest of the price to the expert minus
      commission on the expert's part (any buyer fee stays with the platform, as on release); the
      order is completed. `buyer_amount` may be 0 up to the price.

    Locks the order, so two staff resolving at once resolve once: the second finds it closed.
    """
    order = _lock(order_id)
    if actor is None or not actor.is_staff:
        raise OrderPermissionError(_("Only Azmoodegan staff can resolve a dispute."))
    if actor.pk in (order.buyer_id, order.expert_id):
        raise OrderPermissionError(_("You cannot resolve a dispute about your own order."))
    dispute = Dispute.objects.filter(order=order).first()
    if dispute is None:
        raise OrderTransitionError(_("This order has no dispute to resolve."), code="no_dispute")
    if dispute.is_resolved or order.status != S.DISPUTED:
        raise OrderTransitionError(_("This dispute has already been resolved."), code="already_resolved")
    if outcome not in Dispute.Outcome.values:
        raise OrderError(_("Choose how the dispute is resolved."), field="outcome", code="bad_outcome")
    note = (note or "").strip()[:MAX_TEXT]
    if not note:
        raise OrderError(_("Write a note explaining the decision to both parties."), field="note", code="required")

    held = ledger.escrow_balance(order.pk)
    if outcome == Dispute.Outcome.SPLIT:
        buyer_amount = _split_amount(buyer_amount, dispute_shareable(held, order.buyer_fee))
    settlement = dispute_settlement(outcome, held=held, buyer_fee=order.buyer_fee, buyer_amount=buyer_amount or 0)
    try:
        if outcome == Dispute.Outcome.REFUND:
            if held > 0:
                escrow.escrow_refund(order_ref=order.pk, buyer=order.buyer, amount=held, n="dispute", actor=actor)
            target, stamp = S.CANCELLED, "cancelled_at"
        elif outcome == Dispute.Outcome.RELEASE:
            escrow.escrow_release(order_ref=order.pk, expert=order.expert, buyer=order.buyer,
                                  amount=settlement.expert, platform_fee=settlement.fee_kept, actor=actor)
            target, stamp = S.COMPLETED, "completed_at"
        else:
            escrow.escrow_split(order_ref=order.pk, buyer=order.buyer, expert=order.expert,
                                buyer_amount=settlement.buyer, expert_amount=settlement.expert,
                                platform_fee=settlement.fee_kept, actor=actor)
            target, stamp = S.COMPLETED, "completed_at"
    except EscrowError as exc:
        raise OrderError(exc.message, field="buyer_amount", code=exc.code) from None
    dispute.buyer_amount, dispute.expert_amount = settlement.buyer, settlement.expert

    now = timezone.now()
    dispute.outcome, dispute.note, dispute.resolved_by, dispute.resolved_at = outcome, note, actor, now
    dispute.save()
    order.transition_to(target, actor=actor, kind=OrderEvent.Kind.RESOLVED, note=_resolution_note(dispute))
    setattr(order, stamp, now)
    order.save()
    if outcome == Dispute.Outcome.RELEASE:
        # Released in full counts as a completed order of the service, as a confirmation does.
        Service.objects.filter(pk=order.service_id).update(completed_orders=F("completed_orders") + 1)
    for party in (order.buyer, order.expert):
        order_email(order, "resolved", to=party)
    return dispute


def _split_amount(buyer_amount, shareable: int) -> int:
    """The buyer's part of a split, checked against what the escrow holds for the price."""
    if buyer_amount is None or buyer_amount == "":
        raise OrderError(_("Enter the amount that goes back to the buyer."), field="buyer_amount", code="required")
    try:
        amount = int(buyer_amount)
    except (TypeError, ValueError):
        raise OrderError(_("Enter the amount that goes back to the buyer."), field="buyer_amount",
                         code="bad_amount") from None
    if amount < 0:
        raise OrderError(_("The buyer's share cannot be negative."), field="buyer_amount", code="bad_amount")
    if amount > shareable:
        raise OrderError(
            _("The buyer's share cannot be more than the %(max)s the escrow holds for this order.")
            % {"max": format_toman(shareable)},
            field="buyer_amount", code="above_escrow",
        )
    return amount
