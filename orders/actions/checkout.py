"""Creating and paying an order."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escrow import actions as escrow
from escrow.exceptions import InsufficientFunds, PaymentNotFound
from escrow.models import Payment
from services.models import Package, Service

from ..exceptions import OrderError, OrderPermissionError
from ..models import Order, OrderEvent
from ._base import S, _ensure_buyer, _ensure_status, _lock
from .notify import order_email

logger = logging.getLogger(__name__)

# The timeline entry for a payment the bank did not complete.
PAYMENT_PROBLEM_KINDS = {
    Payment.Status.CANCELLED: OrderEvent.Kind.PAYMENT_CANCELLED,
    Payment.Status.FAILED: OrderEvent.Kind.PAYMENT_FAILED,
    Payment.Status.MISMATCH: OrderEvent.Kind.PAYMENT_MISMATCH,
}


@transaction.atomic
def order_create(*, buyer, package: Package | int) -> Order:
    """Create a `pending_payment` order for `package`, with a snapshot of what is bought.

    Only published services can be ordered, and never by their own expert.
    """
    package_id = package.pk if isinstance(package, Package) else int(package)
    package = Package.objects.select_related("service").filter(pk=package_id).first()
    if package is None or package.service.status != Service.Status.PUBLISHED:
        raise OrderError(_("This service cannot be ordered right now."), code="not_orderable")
    service = package.service
    if service.owner_id == buyer.pk:
        raise OrderPermissionError(_("You cannot order your own service."), code="own_service")
    fee = escrow.buyer_fee_calculate(package.price)
    order = Order.objects.create(
        buyer=buyer, expert_id=service.owner_id, service=service, package=package,
        title=service.title, package_tier=package.tier, package_title=package.title,
        package_description=package.description, price=package.price, buyer_fee=fee, total=package.price + fee,
        delivery_days=package.delivery_days, revisions_allowed=package.revisions,
    )
    OrderEvent.objects.create(order=order, actor=buyer, from_status="", to_status=S.PENDING_PAYMENT, kind=OrderEvent.Kind.CREATED)
    return order


def order_pay_start(*, order_id: int, actor, callback_url: str, gateway: str | None = None) -> tuple[Payment, str]:
    """Start paying an order through the gateway; returns the payment and the bank's URL.

    Checks the order under its lock and commits, then asks the bank holding no lock. Raises
    `GatewayError` (Persian) when the bank refuses: the order stays `pending_payment`.
    """
    with transaction.atomic():
        order = _lock(order_id)
        _ensure_buyer(order, actor)
        _ensure_status(order, S.PENDING_PAYMENT)
    return escrow.payment_start(
        order_ref=order.pk, buyer=order.buyer, amount=order.total, callback_url=callback_url,
        description=_("Order %(id)s: %(title)s") % {"id": order.pk, "title": order.title}, gateway=gateway,
    )


def order_payment_callback(*, order_id: int, params: Mapping[str, str], gateway: str | None = None) -> Payment:
    """The buyer came back from the bank: verify server side; on success the order is paid.

    Runs outside any transaction (verification may call the bank). The authority must belong to
    this order, or nothing happens. The move to `awaiting_requirements` happens once, in
    `on_payment_succeeded`, inside escrow's transaction that credits the escrow; replays and
    concurrent callbacks find the payment final and change nothing.
    """
    authority = str(params.get("Authority", ""))
    name = gateway or settings.PAYMENT_GATEWAY
    payment = Payment.objects.filter(gateway=name, authority=authority).first() if authority else None
    if payment is None or payment.order_ref != order_id:
        logger.warning("payment callback for order %s names authority %r of another order", order_id, authority)
        raise PaymentNotFound()
    payment = escrow.payment_verify(gateway=name, authority=authority, callback_params=dict(params))
    if payment.status in (Payment.Status.CANCELLED, Payment.Status.FAILED, Payment.Status.MISMATCH):
        _record_payment_problem(order_id, payment)
    return payment


@transaction.atomic
def _record_payment_problem(order_id: int, payment: Payment) -> None:
    order = _lock(order_id)
    kind = PAYMENT_PROBLEM_KINDS[payment.status]
    note = f"{payment.gateway}:{payment.authority}"
    if not OrderEvent.objects.filter(order=order, kind=kind, note=note).exists():
        OrderEvent.objects.create(order=order, actor=order.buyer, from_status=order.status, to_status=order.status,
                                  kind=kind, note=note)


def on_payment_succeeded(sender, *, payment: Payment, transfer, **kwargs) -> None:
    """Receiver of `escrow.signals.payment_succeeded`, inside escrow's transaction.

    A pending order becomes `awaiting_requirements`. Money that arrives for an order that no
    longer waits for it (paid twice in two tabs, cancelled meanwhile) goes straight back to the
    buyer's wallet, so no closed or paid order holds more than its total.
    """
    order = Order.objects.select_for_update().filter(pk=payment.order_ref).first()
    if order is None:
        logger.error("payment %s paid for unknown order %s", payment.pk, payment.order_ref)
        return
    if order.status == S.PENDING_PAYMENT and payment.amount == order.total:
        _mark_paid(order, actor=order.buyer, note=f"{payment.gateway}:{payment.authority}")
        return
    escrow.escrow_refund(order_ref=order.pk, buyer=order.buyer, amount=payment.amount, n=f"payment-{payment.pk}")
    OrderEvent.objects.create(
        order=order, actor=None, from_status=order.status, to_status=order.status, kind=OrderEvent.Kind.PAYMENT_REFUNDED,
        note=f"{payment.gateway}:{payment.authority}",
    )


def _mark_paid(order: Order, *, actor, note: str) -> None:
    order.transition_to(S.AWAITING_REQUIREMENTS, actor=actor, kind=OrderEvent.Kind.PAID, note=note)
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "paid_at", "updated_at"])
    order_email(order, "paid_expert", to=order.expert)


@transaction.atomic
def order_pay_from_wallet(*, order_id: int, actor) -> Order:
    """Pay an order from the buyer's available wallet balance (refunds of earlier orders)."""
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.PENDING_PAYMENT)
    try:
        escrow.escrow_pay_from_wallet(order_ref=order.pk, buyer=order.buyer, amount=order.total)
    except InsufficientFunds:
        raise OrderError(_("Your wallet balance is not enough for this order."), code="insufficient_funds") from None
    _mark_paid(order, actor=actor, note="wallet")
    return order
