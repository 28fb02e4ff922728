"""The demo seed makes real requests and offers through the actions, once."""

import pytest

from accounts import demo as accounts_demo
from accounts.demo import DEMO_USERS
from buyer_requests import demo
from buyer_requests.models import BuyerRequest, Offer
from services.models import Service
from tests.services.factories import PackageFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_seed_creates_requests_and_offers_once():
    from django.utils import timezone

    from accounts.models import User

    accounts_demo.seed()
    expert = User.objects.get(email=DEMO_USERS["expert"])
    service = ServiceFactory(owner=expert, status=Service.Status.PUBLISHED, published_at=timezone.now())
    PackageFactory(service=service)
    demo.seed()
    buyer = User.objects.get(email=DEMO_USERS["buyer"])
    assert BuyerRequest.objects.filter(buyer=buyer, kind="public", moderation="approved").count() == 3
    assert BuyerRequest.objects.filter(buyer=buyer, kind="custom", expert=expert).count() == 1
    assert Offer.objects.filter(expert=expert).count() == 3
    first = BuyerRequest.objects.get(title="بررسی قرارداد پیش‌فروش آپارتمان")
    assert first.offer_count == Offer.objects.filter(request=first).count()
    demo.seed()
    assert BuyerRequest.objects.filter(buyer=buyer).count() == 4
