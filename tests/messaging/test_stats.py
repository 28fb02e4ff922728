"""Response time and rate from real conversations, written where search reads them."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from messaging import stats
from messaging.models import Conversation, ResponseStats
from search.models import ExpertStats
from tests.accounts.factories import UserFactory
from tests.services.factories import expert_user, published_service

from .factories import conversation

pytestmark = pytest.mark.django_db


def _timed(expert, asked_ago, reply_after=None):
    conv = conversation(expert=expert)
    asked = timezone.now() - asked_ago
    Conversation.objects.filter(pk=conv.pk).update(
        buyer_first_at=asked, expert_first_reply_at=asked + reply_after if reply_after is not None else None
    )


def test_median_and_rate_over_ninety_days():
    expert = expert_user()
    _timed(expert, dt.timedelta(days=3), dt.timedelta(minutes=30))
    _timed(expert, dt.timedelta(days=4), dt.timedelta(hours=1, minutes=30))
    _timed(expert, dt.timedelta(days=5), dt.timedelta(hours=30))
    _timed(expert, dt.timedelta(days=6))  # never answered: counts against the rate
    _timed(expert, dt.timedelta(hours=2))  # unanswered but still young: not counted yet
    _timed(expert, dt.timedelta(days=120), dt.timedelta(minutes=1))  # outside the window
    assert stats.compute() == 1
    row = ResponseStats.objects.get(expert=expert)
    assert row.median_seconds == 5400 and row.conversations == 4
    assert float(row.answered_within_day) == 50.0
    assert ExpertStats.objects.get(expert=expert).response_seconds == 5400


def test_messages_through_actions_set_first_reply():
    from messaging import actions

    conv = conversation()
    actions.message_send(conv, conv.buyer, "سلام")
    actions.message_send(conv, conv.buyer, "هستید؟")
    actions.message_send(conv, conv.expert, "بله")
    actions.message_send(conv, conv.expert, "بفرمایید")
    conv.refresh_from_db()
    first = conv.messages.order_by("id")
    assert conv.buyer_first_at == first[0].created_at and conv.expert_first_reply_at == first[2].created_at


def test_shown_on_service_page_profile_and_cards(client):
    expert = expert_user()
    service = published_service(owner=expert)
    _timed(expert, dt.timedelta(days=2), dt.timedelta(minutes=100))
    call_command("response_stats", stdout=open("/dev/null", "w"))  # noqa: SIM115
    phrase = "معمولاً در کمتر از ۲ ساعت پاسخ می‌دهد"
    assert phrase in client.get(service.get_absolute_url()).content.decode()
    assert phrase in client.get(expert.expert_profile.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert phrase in client.get("/search/?q=").content.decode()


def test_fast_reply_filter_uses_measured_values():
    from search.selectors import FAST_REPLY_SECONDS

    fast, slow = expert_user(), expert_user()
    _timed(fast, dt.timedelta(days=2), dt.timedelta(hours=1))
    _timed(slow, dt.timedelta(days=9), dt.timedelta(days=3))
    stats.compute()
    fast_ids = set(ExpertStats.objects.filter(response_seconds__lte=FAST_REPLY_SECONDS).values_list("expert_id",
                                                                                                  flat=True))
    assert fast.pk in fast_ids and slow.pk not in fast_ids
