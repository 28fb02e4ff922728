"""`search.demo.seed`: empty statistics rows for the demo catalogue's experts (nothing invented);
messaging and reviews measure them from the demo's real conversations and orders."""

import io

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from messaging import demo as messaging_demo
from search import demo
from search.models import ExpertStats
from search.selectors import FAST_REPLY_SECONDS
from services import demo as services_demo
from services.models import Service

from .factories import make_service

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_deterministic_and_never_overwrites_a_measurement():
    services = [make_service(f"خدمت نمایشی {i}") for i in range(12)]
    draft = make_service("پیش‌نویس", status=Service.Status.DRAFT)
    measured = services[0].owner
    ExpertStats.objects.create(expert=measured, response_seconds=123, on_time_rate=50)

    out = io.StringIO()
    assert demo.seed(stdout=out) == 11
    assert "11 new" in out.getvalue()
    rows = {s.expert_id: (s.response_seconds, s.on_time_rate) for s in ExpertStats.objects.all()}
    assert set(rows) == {s.owner_id for s in services}  # only experts with published services
    assert draft.owner_id not in rows
    assert rows[measured.pk] == (123, 50)  # a real (here: earlier) measurement is kept

    assert demo.seed() == 0  # again: nothing new, nothing changed
    assert {s.expert_id: (s.response_seconds, s.on_time_rate) for s in ExpertStats.objects.all()} == rows
    for service in services[1:]:
        expected = demo.stats_for(service.owner_id)
        assert rows[service.owner_id] == (expected.response_seconds, expected.on_time_rate)


def test_nothing_is_invented():
    values = [demo.stats_for(pk) for pk in range(1, 50)]
    assert all(v.response_seconds is None and v.on_time_rate is None for v in values)


def test_seed_is_bounded(monkeypatch):
    for i in range(5):
        make_service(f"خدمت {i}")
    monkeypatch.setattr(demo, "MAX_EXPERTS", 3)
    assert demo.seed() == 3 and ExpertStats.objects.count() == 3


def test_demo_catalogue_answers_the_fast_reply_filter_and_the_compare_page(client):
    accounts_demo.seed()
    services_demo.seed()
    demo.seed()
    messaging_demo.seed()  # real conversations; their response times are measured
    experts = set(Service.objects.filter(status=Service.Status.PUBLISHED).values_list("owner_id", flat=True))
    assert set(ExpertStats.objects.values_list("expert_id", flat=True)) == experts

    response = client.get(reverse("search"), {"fast": "on"})
    fast = response.context["services"]
    assert fast, "the 'answers within a day' filter finds demo services"
    assert all(s.owner.search_stats.response_seconds <= FAST_REPLY_SECONDS for s in fast)
    assert response.context["page"].paginator.count < Service.objects.filter(status="published").count()

    service = fast[0]
    client.post(reverse("search:compare_toggle", args=[service.pk]), {"action": "add"})
    html = client.get(reverse("search:compare")).content.decode()
    from django.utils import translation

    from azmoodegan.persian import format_duration

    seconds = service.owner.search_stats.response_seconds
    with translation.override("fa"):
        assert format_duration(seconds) in html  # the response time measured from the demo's conversations
