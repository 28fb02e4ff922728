"""Services with known text, prices and ratings, for search tests (built on the catalogue factories)."""

from decimal import Decimal

from django.utils import timezone

from services.models import Package, Service
from tests.services.factories import (  # noqa: F401 - re-exported for the tests
    CategoryFactory,
    GalleryImageFactory,
    PackageFactory,
    ServiceFactory,
    SubCategoryFactory,
)


def make_service(
    title: str = "خدمت آزمایشی",
    *,
    description: str = "توضیح ساده درباره این خدمت برای خریداران.",
    tags=(),
    price_toman: int = 100_000,
    days: int = 3,
    rating: str = "0",
    reviews: int = 0,
    category=None,
    status=Service.Status.PUBLISHED,
    tiers: int = 1,
    owner=None,
    **kwargs,
) -> Service:
    extra = {"category": category} if category is not None else {}
    if owner is not None:
        extra["owner"] = owner
    service = ServiceFactory(title=title, description=description, tags=list(tags), status=status, **extra, **kwargs)
    for i, tier in enumerate(list(Package.Tier.values)[:tiers]):
        PackageFactory(service=service, tier=tier, price=price_toman * 10 * (i + 1), delivery_days=days + i,
                       revisions=None if i == 2 else i + 1)
    Service.objects.filter(pk=service.pk).update(
        min_price=price_toman * 10, min_delivery_days=days, rating_avg=Decimal(rating), rating_count=reviews,
        published_at=timezone.now() if status == Service.Status.PUBLISHED else None,
    )
    service.refresh_from_db()
    return service
