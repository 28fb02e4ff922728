"""Levels from real rows (thresholds as settings), the monthly task, and search's level and
"verified" filters and compare row."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExpertProfile
from home.models import Profile
from messaging.models import ResponseStats
from reviews import metrics, tasks
from search.models import ExpertStats
from tests.search.factories import make_service

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_levels(settings):
    settings.EXPERT_LEVELS = {
        "level_1": {"days_active": 0, "completed_orders": 2, "rating": 4.5, "response_rate": 90,
                    "on_time_rate": 90, "completion_rate": 90},
        "level_2": {"days_active": 0, "completed_orders": 3, "rating": 4.5, "response_rate": 90,
                    "on_time_rate": 90, "completion_rate": 90},
        "top_rated": {"days_active": 365, "completed_orders": 3, "rating": 4.9, "response_rate": 90,
                      "on_time_rate": 90, "completion_rate": 90},
    }


def test_level_follows_completed_orders_rating_and_rates(small_levels):
    first = f.completed_order()
    expert = first.expert
    assert metrics.recompute_levels([expert.pk])[expert.pk] == "new"
    standing = metrics.standing(expert.pk)
    missing = {r.name for r in standing.missing}
    assert missing == {"completed_orders", "rating"}  # response rate is not measured yet: no rule
    second = f.completed_order(package=first.package)
    for order in (first, second):
        f.buyer_review(order, 5)
        f.expert_review(order)
    assert tasks.recompute_levels.delay().get()["level_1"] == 1
    assert ExpertProfile.objects.get(user=expert).level == "level_1"
    # A measured response rate below the rule holds the expert back at the next recompute.
    ExpertStats.objects.filter(expert=expert).update(response_seconds=60)
    ResponseStats.objects.create(expert=expert, median_seconds=60, answered_within_day=50, conversations=4)
    assert metrics.recompute_levels([expert.pk])[expert.pk] == "new"


def test_reviews_older_than_the_period_do_not_count(small_levels):
    first = f.completed_order()
    second = f.completed_order(package=first.package)
    for order in (first, second):
        f.buyer_review(order, 5)
        f.expert_review(order)
    later = timezone.now() + dt.timedelta(days=61)
    assert metrics.recompute_levels([first.expert_id], now=later)[first.expert_id] == "new"


def test_command_prints_the_summary():
    out = StringIO()
    call_command("recompute_levels", stdout=out)
    assert "new:" in out.getvalue()


def verify_identity(user):
    """A mobile verified by code and an identity checked by staff (the home app's trust profile)."""
    Profile.objects.update_or_create(user=user, defaults={
        "mobile": f"0912{user.pk:07d}", "mobile_verified_at": timezone.now(), "identity": Profile.Identity.VERIFIED})


def test_search_filters_by_level_and_verified(client):
    plain = make_service("طراحی لوگو ساده")
    pro = make_service("طراحی لوگو حرفه‌ای")
    ExpertProfile.objects.filter(user=pro.owner).update(level="level_2")
    verify_identity(pro.owner)
    # A mobile verified without the identity check is not "verified".
    Profile.objects.create(user=plain.owner, mobile="09121112233", mobile_verified_at=timezone.now())
    body = client.get(reverse("search"), {"q": "لوگو", "min_level": "level_1"}).content.decode()
    assert "طراحی لوگو حرفه‌ای" in body and "طراحی لوگو ساده" not in body
    body = client.get(reverse("search"), {"q": "لوگو", "verified": "on"}).content.decode()
    assert "طراحی لوگو حرفه‌ای" in body and "طراحی لوگو ساده" not in body
    body = client.get(reverse("search"), {"q": "لوگو", "min_level": "bogus"}).content.decode()
    assert "یکی از سطح‌های فهرست را انتخاب کنید." in body
    assert "طراحی لوگو ساده" in body  # the bad filter is reported and ignored
    assert plain.pk


def test_compare_has_level_and_verified_rows(client):
    a, b = make_service("ترجمه یک"), make_service("ترجمه دو")
    verify_identity(b.owner)
    for s in (a, b):
        client.post(reverse("search:compare_toggle", args=[s.pk]), {"action": "add"})
    body = client.get(reverse("search:compare")).content.decode()
    assert "هویت بررسی‌شده" in body and "موبایل و کد ملی بررسی شده" in body and "هنوز بررسی نشده" in body
