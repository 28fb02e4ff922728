"""Reads that pages and actions share."""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .models import Delivery, ExtensionRequest, Order, OrderEvent, OrderFile

S = Order.Status


class OrderAction(StrEnum):
    """What a party may do on an order's page (templates test e.g. `"cancel" in allowed`)."""

    PAY = "pay"
    SEND_REQUIREMENTS = "send_requirements"
    DELIVER = "deliver"
    CONFIRM = "confirm"
    REQUEST_REVISION = "request_revision"
    CANCEL = "cancel"
    REQUEST_EXTENSION = "request_extension"
    ANSWER_EXTENSION = "answer_extension"
    WITHDRAW_EXTENSION = "withdraw_extension"
    OPEN_DISPUTE = "open_dispute"


def order_pending_extension(order: Order) -> ExtensionRequest | None:
    """The request for more time waiting for the buyer (prefetched by `order_page`), if any."""
    pending = getattr(order, "pending_extensions", None)
    if pending is None:
        return order.extension_requests.filter(status=ExtensionRequest.Status.PENDING).first()
    return pending[0] if pending else None


def order_allowed_actions(order: Order, user) -> set[OrderAction]:
    """What `user` may do with `order` now, for pages and templates: the one place they ask.

    The actions keep their own guards (under the row lock); this mirrors them for the page.
    Staff act through the admin, so the page offers them nothing.
    """
    A, role, status = OrderAction, order.party(user), order.status
    allowed: set[OrderAction] = set()
    if role not in ("buyer", "expert"):
        return allowed
    working = status in Order.WORKING
    pending = order_pending_extension(order) if working else None
    if role == "buyer":
        if status == S.PENDING_PAYMENT:
            allowed |= {A.PAY, A.CANCEL}
        elif status == S.AWAITING_REQUIREMENTS:
            allowed |= {A.SEND_REQUIREMENTS, A.CANCEL}
        elif status == S.DELIVERED:
            allowed.add(A.CONFIRM)
            if order.revisions_left != 0:
                allowed.add(A.REQUEST_REVISION)
        elif working:
            if order.is_late:
                allowed.add(A.CANCEL)
            if pending is not None:
                allowed.add(A.ANSWER_EXTENSION)
    elif working:
        allowed.add(A.DELIVER)
        allowed.add(A.WITHDRAW_EXTENSION if pending is not None else A.REQUEST_EXTENSION)
    if status in Order.DISPUTABLE and order.dispute_or_none is None:
        allowed.add(A.OPEN_DISPUTE)
    return allowed

def order_for_user(user, order_id: int) -> Order:
    """The order if `user` is its buyer, its expert or staff; 404 for anyone else (no hint it exists)."""
    order = Order.objects.select_related("buyer", "expert", "service").filter(pk=order_id).first()
    if order is None or order.party(user) is None:
        raise Http404
    return order


def order_page(user, order_id: int) -> Order:
    """The order with everything its page shows, in a fixed number of queries."""
    order = order_for_user(user, order_id)
    files = OrderFile.objects.order_by("created_at", "id")
    order = (
        Order.objects.select_related("buyer__expert_profile", "expert__expert_profile", "service", "package",
                                     "dispute__opened_by__expert_profile")
        .prefetch_related(
            Prefetch("extension_requests", to_attr="pending_extensions",
                     queryset=ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor__expert_profile")
                     .order_by("created_at", "id")),
            Prefetch("deliveries", queryset=Delivery.objects.prefetch_related(Prefetch("files", queryset=files))),
            Prefetch("files", queryset=files.filter(kind=OrderFile.Kind.REQUIREMENT), to_attr="requirement_files"),
        )
        .get(pk=order.pk)
    )
    return order


def buyer_orders(user) -> QuerySet:
    return (
        Order.objects.filter(buyer=user).select_related("expert__expert_profile").order_by("-created_at", "-id")
    )


def expert_orders(user) -> QuerySet:
    return (
        Order.objects.filter(expert=user).select_related("buyer__expert_profile").order_by("-created_at", "-id")
    )


def file_for_user(user, file_id: int) -> OrderFile:
    row = OrderFile.objects.select_related("order").filter(pk=file_id).first()
    if row is None or row.order.party(user) is None:
        raise Http404
    return row
