"""Reads that pages, actions and the ledger check share."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .models import Delivery, ExtensionRequest, Order, OrderEvent, OrderFile

CLOSED_STATUSES = (Order.Status.COMPLETED, Order.Status.CANCELLED)


def closed_order_refs() -> QuerySet:
    """Ids of orders whose escrow must be empty: completed or cancelled (resolved disputes end as one of them).

    For `escrow.checks` (setting `ESCROW_CLOSED_ORDERS = "orders.selectors.closed_order_refs"`).
    """
    return Order.objects.filter(status__in=CLOSED_STATUSES).values_list("pk", flat=True)


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
        Order.objects.select_related("buyer__expert_profile", "expert__expert_profile", "buyer__home_profile",
                                     "expert__home_profile", "service", "package",
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
        Order.objects.filter(buyer=user).select_related("expert__expert_profile", "expert__home_profile").order_by("-created_at", "-id")
    )


def expert_orders(user) -> QuerySet:
    return (
        Order.objects.filter(expert=user).select_related("buyer__expert_profile", "buyer__home_profile").order_by("-created_at", "-id")
    )


def file_for_user(user, file_id: int) -> OrderFile:
    row = OrderFile.objects.select_related("order").filter(pk=file_id).first()
    if row is None or row.order.party(user) is None:
        raise Http404
    return row
