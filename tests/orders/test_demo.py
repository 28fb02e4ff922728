"""`orders.demo.seed`: demo orders for the demo buyer and expert, once; skipped without a catalogue."""

import io

import pytest

from accounts import demo as accounts_demo
from escrow.checks import run_checks
from orders import demo
from orders.models import Order
from services.models import Service
from tests.services.factories import PackageFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_seed_skips_without_services_then_makes_three_orders_once():
    people = accounts_demo.seed()
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "skipped" in out.getvalue() and Order.objects.count() == 0
    service = ServiceFactory(owner=people["expert"], status=Service.Status.PUBLISHED)
    PackageFactory(service=service)
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    statuses = sorted(Order.objects.values_list("status", flat=True))
    assert statuses == ["awaiting_requirements", "delivered", "in_progress"]
    assert not any(run_checks().values())
