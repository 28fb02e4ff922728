"""Reads of buyer requests and offers: the board, the request page, the dashboards.

Every list is one query per page (plus Paginator's count), whatever its length; the request page
selects every offer with its expert, service and measured statistics in one query.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from azmoodegan.persian import normalize_text

from .models import BuyerRequest, Offer, RequestFile

R = BuyerRequest.Status


BOARD_FIELDS = ("id", "title", "description", "budget_min", "budget_max", "category_id", "offer_count", "created_at")


def board(*, category_ids: set[int], budget_min: int | None = None, no_offers: bool = False, q: str = "",
          viewer=None):
    """Open, shown public requests in `category_ids` (not the viewer's own), newest first: the fields a
    board card shows (the category's name comes from the expert's category list, not a join)."""
    qs = BuyerRequest.objects.filter(kind=BuyerRequest.Kind.PUBLIC, status=R.OPEN,
                                     moderation=BuyerRequest.Moderation.APPROVED, expires_at__gt=timezone.now(),
                                     category_id__in=sorted(category_ids) or [0])
    if viewer is not None:
        qs = qs.exclude(buyer=viewer)
    if budget_min:
        qs = qs.filter(budget_max__gte=budget_min)
    if no_offers:
        qs = qs.filter(offer_count=0)
    for token in normalize_text(q).split()[:6]:
        qs = qs.filter(search_text__contains=token)
    return qs.only(*BOARD_FIELDS).order_by("-created_at", "-id")


def request_for_user(user, pk: int, *, category_ids: set[int] | None = None) -> BuyerRequest:
    """A request the user may see: its buyer, the expert of a custom request, staff, or (public, shown)
    an expert with a service in its category. Anyone else gets 404."""
    req = (BuyerRequest.objects.select_related("category", "buyer", "buyer__expert_profile", "expert", "service")
           .prefetch_related(Prefetch("files", queryset=RequestFile.objects.order_by("id")))
           .filter(pk=pk).first())
    if req is None:
        raise Http404
    if user.pk in (req.buyer_id, req.expert_id) or user.is_staff:
        return req
    if req.is_public and req.is_shown and category_ids is not None and req.category_id in category_ids:
        return req
    raise Http404


def offers_for_request(req: BuyerRequest):
    """Every offer of a request with what the side-by-side comparison shows, in one query."""
    return (Offer.objects.filter(request=req, hidden=False)
            .exclude(status=Offer.Status.WITHDRAWN)
            .select_related("expert", "expert__expert_profile", "expert__search_stats", "service")
            .order_by("price", "id"))


def offer_for_user(user, pk: int) -> Offer:
    offer = (Offer.objects.select_related("request", "expert", "expert__expert_profile", "buyer", "service",
                                          "order").filter(pk=pk).first())
    if offer is None or (user.pk not in (offer.buyer_id, offer.expert_id) and not user.is_staff):
        raise Http404
    return offer


def my_requests(user):
    return (BuyerRequest.objects.filter(buyer=user).select_related("category", "expert", "expert__expert_profile")
            .order_by("-created_at", "-id"))


def my_offers(user):
    return Offer.objects.filter(expert=user).select_related("request", "buyer", "order").order_by("-created_at", "-id")


def received_custom_requests(user):
    return (BuyerRequest.objects.filter(expert=user, kind=BuyerRequest.Kind.CUSTOM)
            .select_related("buyer").order_by("-created_at", "-id"))


def offers_in_conversation(conversation):
    return (Offer.objects.filter(conversation=conversation).exclude(status=Offer.Status.WITHDRAWN)
            .select_related("expert").order_by("-created_at"))
