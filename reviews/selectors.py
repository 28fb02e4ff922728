"""Reads of the reviews app: pages of published reviews with their totals in a fixed number of
queries (the totals row gives the distribution and the count, so no COUNT over the reviews)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, QuerySet, Value

from .models import ExpertRating, HelpfulVote, Review, ServiceRating

PAGE_SIZE = 10
SORTS = ("newest", "helpful")


@dataclass
class ReviewPage:
    reviews: list
    number: int
    num_pages: int
    count: int
    sort: str

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def visible_buyer_reviews() -> QuerySet[Review]:
    return Review.objects.filter(side=Review.Side.BUYER, published_at__isnull=False, hidden_at__isnull=True)


def _page(qs: QuerySet[Review], *, count: int, sort: str, page, viewer, size: int = PAGE_SIZE) -> ReviewPage:
    sort = sort if sort in SORTS else "newest"
    qs = qs.order_by("-helpful_count", "-published_at", "-pk") if sort == "helpful" else qs.order_by(
        "-published_at", "-pk")
    num_pages = max(1, math.ceil(count / size))
    try:
        number = min(max(1, int(page or 1)), num_pages)
    except (TypeError, ValueError):
        number = 1
    if not count:
        return ReviewPage(reviews=[], number=1, num_pages=1, count=0, sort=sort)
    if viewer is not None and viewer.is_authenticated:
        qs = qs.annotate(marked=Exists(HelpfulVote.objects.filter(review=OuterRef("pk"), user_id=viewer.pk)))
    else:
        qs = qs.annotate(marked=Value(False))
    rows = list(qs.select_related("author", "author__expert_profile", "reply")[(number - 1) * size:number * size])
    return ReviewPage(reviews=rows, number=number, num_pages=num_pages, count=count, sort=sort)


def service_totals(service_id: int) -> ServiceRating:
    return ServiceRating.objects.filter(service_id=service_id).first() or ServiceRating(service_id=service_id)


def expert_totals(expert_id: int) -> ExpertRating:
    return ExpertRating.objects.filter(expert_id=expert_id).first() or ExpertRating(expert_id=expert_id)


def service_reviews(service_id: int, *, sort: str = "newest", page=1, viewer=None) -> tuple[ServiceRating, ReviewPage]:
    """The totals and one page of a service's published reviews: 2 queries (3 with the marks of a signed-in user
    folded into the page query)."""
    totals = service_totals(service_id)
    return totals, _page(visible_buyer_reviews().filter(service_id=service_id), count=totals.count, sort=sort,
                         page=page, viewer=viewer)


def expert_reviews(expert_id: int, *, sort: str = "newest", page=1, viewer=None) -> tuple[ExpertRating, ReviewPage]:
    totals = expert_totals(expert_id)
    qs = visible_buyer_reviews().filter(subject_id=expert_id).select_related("service")
    return totals, _page(qs, count=totals.count, sort=sort, page=page, viewer=viewer)


def buyer_reputation(buyer_id: int, *, limit: int = 5) -> dict:
    """What experts wrote of a buyer (published, visible): average, count and the newest few. Two queries.

    For pages where an expert meets a buyer (orders received, buyer requests): include
    `reviews/_buyer_reputation.html` with `{% buyer_reputation buyer %}` from `reviews_tags`.
    """
    qs = Review.objects.filter(subject_id=buyer_id, side=Review.Side.EXPERT, published_at__isnull=False,
                               hidden_at__isnull=True)
    totals = qs.aggregate(n=Count("pk"), avg=Avg("rating"))
    latest = list(qs.select_related("author__expert_profile").order_by("-published_at", "-pk")[:limit])
    return {"count": totals["n"] or 0, "average": float(totals["avg"] or 0), "reviews": latest}


def order_reviews(order) -> dict:
    """The reviews of one order by side (one query)."""
    return {r.side: r for r in Review.objects.filter(order_id=order.pk).select_related("reply")}
