# ruff: noqa: S311 - bench data; randomness is for variety, not security
"""Bench scenario of the reviews app: a service page with 5,000 published reviews, rendered for a
signed-in buyer (never from the page cache), hooked into bench/run.py.

`prepare()` makes (once) a published service with N completed orders each reviewed by its buyer,
as rows (bulk) with exact totals recomputed from them, and a signed-in session; it returns the
page to drive and the Cookie header to drive it with.
"""

from __future__ import annotations

import random

from bench.signed_in import user_session_cookie

TITLE = "بررسی قرارداد اجاره (صفحه‌ی محک نظرها)"
EMAIL_BUYER = "bench-reviewer@bench.azmoodegan.ir"
NAME = "service_5000_reviews_signed_in"


def _service(n: int):
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from orders.models import Order
    from reviews.checks import recompute_all
    from reviews.models import Review, price_band
    from services.models import Package, Service

    buyer, _ = User.objects.get_or_create(email=EMAIL_BUYER, defaults={"first_name": "محک", "last_name": "خریدار"})
    service = Service.objects.filter(title=TITLE).first()
    if service is not None:
        return service, buyer
    base = (Service.objects.filter(status=Service.Status.PUBLISHED, packages__isnull=False)
            .select_related("owner").order_by("pk").first())
    now = timezone.now()
    rng = random.Random(5000)
    with transaction.atomic():
        service = Service.objects.create(
            owner=base.owner, category=base.category, title=TITLE, slug="bench-reviews", tags=base.tags,
            description=base.description, status=Service.Status.PUBLISHED, published_at=now,
            min_price=1_200_000, min_delivery_days=3,
        )
        package = Package.objects.create(service=service, tier="basic", title="بسته پایه", description="-",
                                         price=1_200_000, delivery_days=3, revisions=1)
        orders = Order.objects.bulk_create([
            Order(buyer=buyer, expert=service.owner, service=service, package=package, title=TITLE,
                  package_tier="basic", package_title="بسته پایه", package_description="-", price=1_200_000,
                  total=1_200_000, delivery_days=3, status=Order.Status.COMPLETED, completed_at=now)
            for _ in range(n)
        ], batch_size=1000)
        reviews = []
        for i, order in enumerate(orders):
            stars = rng.choice([3, 4, 5, 5, 5])
            reviews.append(Review(
                order=order, side="buyer", author=buyer, subject=service.owner, service=service, rating=stars,
                communication=stars, as_described=stars, on_time=5, text=f"نظر شماره‌ی {i}: کار خوب و به‌موقع بود.",
                package_title="بسته پایه", price_band=price_band(1_200_000), published_at=now,
                helpful_count=rng.randint(0, 20)))
        Review.objects.bulk_create(reviews, batch_size=1000)
        recompute_all()
    return service, buyer


def prepare(n: int = 5000) -> tuple[dict[str, str], dict[str, str]]:
    """({name: path}, {name: Cookie header}) of the scenario."""
    from urllib.parse import quote

    service, buyer = _service(n)
    path = service.get_absolute_url().replace(service.slug, quote(service.slug))
    return {NAME: path}, {NAME: user_session_cookie(buyer)}


def queries(pages: dict[str, str], cookies: dict[str, str]) -> dict[str, int]:
    """SQL queries of the signed-in render (the generic count in run.py is anonymous)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for name, path in pages.items():
        client = Client()
        key, _, value = cookies[name].partition("=")
        client.cookies[key] = value
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200 or b"data-testid=\"review\"" not in response.content:
            raise SystemExit(f"{name} {path} answered {response.status_code} without reviews")
        out[name] = len(ctx.captured_queries)
    return out
