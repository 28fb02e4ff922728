"""`reviews.demo.seed`: real completed orders and reviews through the actions; every figure from rows."""

import io

import pytest

from accounts import demo as accounts_demo
from escrow.checks import run_checks
from orders.models import Order
from reviews import demo
from reviews.checks import check_ratings
from reviews.models import Review
from services.models import Service
from tests.services.factories import PackageFactory, ServiceFactory, expert_user

pytestmark = pytest.mark.django_db


def test_seed_makes_real_orders_and_reviews_once(settings):
    settings.EXPERT_LEVELS = {**settings.EXPERT_LEVELS,
                              "level_1": {**settings.EXPERT_LEVELS["level_1"], "days_active": 0}}
    people = accounts_demo.seed()
    services = []
    for owner in [people["expert"]] + [expert_user(user__email=f"e{i}@demo.azmoodegan.ir") for i in range(3)]:
        service = ServiceFactory(owner=owner, status=Service.Status.PUBLISHED)
        PackageFactory(service=service)
        services.append(service)
    out = io.StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    assert "already there" in out.getvalue()
    completed = Order.objects.filter(status=Order.Status.COMPLETED)
    assert completed.count() == 5 + 12 + 11 + 6 + 1  # the demo expert, three experts, the demo buyer's order
    assert Review.objects.filter(published_at__isnull=False).exists()
    assert Review.objects.filter(published_at__isnull=True).exists()  # a lone review waits for its window
    for service in services:
        service.refresh_from_db()
        published = Review.objects.filter(service=service, side="buyer", published_at__isnull=False)
        assert service.rating_count == published.count()
    assert check_ratings() == []
    assert not any(run_checks().values())
    levels = set(services[1].owner.expert_profile.__class__.objects.values_list("level", flat=True))
    assert "level_1" in levels  # the busiest, well-rated demo expert earns a level from real rows
