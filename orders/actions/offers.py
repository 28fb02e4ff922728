"""An accepted offer (buyer_requests) becomes an order, snapshotted like a catalogue package."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from escrow import actions as escrow

from ..exceptions import OrderError, OrderPermissionError
from ..models import Order, OrderEvent
from ._base import S

OFFER_TIER = "offer"


def _has_field(name: str) -> bool:
    return any(f.name == name for f in Order._meta.concrete_fields)


@transaction.atomic
def order_create_from_offer(*, buyer, offer) -> Order:
    """A `pending_payment` order with a snapshot of `offer`'s terms; paid like any order.

    Called by `buyer_requests.actions.offer_accept` holding the offer's (and request's) lock.
    """
    if offer.buyer_id != buyer.pk:
        raise OrderPermissionError(_("Only the buyer this offer was made to can accept it."), code="not_buyer")
    if offer.expert_id == buyer.pk:
        raise OrderPermissionError(_("You cannot order your own service."), code="own_service")
    if offer.order_id:
        raise OrderError(_("This offer has already become an order."), code="already_ordered")
    fee = escrow.buyer_fee_calculate(offer.price)
    # Snapshot the commission rate where orders carry it (the checkout's commission snapshot), as checkout does.
    terms = {"commission_percent": settings.COMMISSION_PERCENT} if _has_field("commission_percent") else {}
    order = Order.objects.create(
        buyer=buyer, expert_id=offer.expert_id, service_id=offer.service_id, package=None,
        title=offer.service.title, package_tier=OFFER_TIER, package_title=offer.title[:80],
        package_description=offer.description, price=offer.price, buyer_fee=fee, total=offer.price + fee,
        delivery_days=offer.delivery_days, revisions_allowed=offer.revisions, **terms,
    )
    OrderEvent.objects.create(order=order, actor=buyer, from_status="", to_status=S.PENDING_PAYMENT,
                              kind=OrderEvent.Kind.CREATED, note=f"offer:{offer.pk}")
    return order
