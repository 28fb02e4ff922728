"""`messaging.demo.seed`: real conversations through the actions, and measured response times from them."""

import io

import pytest

from accounts import demo as accounts_demo
from messaging import demo
from messaging.models import Conversation, ResponseStats
from search.models import ExpertStats
from services.models import Service
from tests.services.factories import ServiceFactory, expert_user

pytestmark = pytest.mark.django_db


def test_seed_makes_conversations_and_measures_them_once():
    people = accounts_demo.seed()
    ServiceFactory(owner=people["expert"], status=Service.Status.PUBLISHED)
    others = [expert_user() for _ in range(3)]
    for e in others:
        ServiceFactory(owner=e, status=Service.Status.PUBLISHED)
    out = io.StringIO()
    demo.seed(stdout=out)
    count = Conversation.objects.count()
    assert count == 1 + 2 * len(others)
    demo.seed(stdout=out)
    assert Conversation.objects.count() == count
    mine = Conversation.objects.get(buyer=people["buyer"], expert=people["expert"])
    assert mine.messages.count() == 3 and mine.expert_first_reply_at is not None
    stats = ResponseStats.objects.get(expert=people["expert"])
    assert stats.median_seconds == 40 * 60
    assert ExpertStats.objects.get(expert=people["expert"]).response_seconds == 40 * 60
