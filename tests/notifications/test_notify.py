import pytest
from django.db import transaction

from notifications.api import notify
from notifications.kinds import register
from notifications.models import Notification
from tests.accounts.factories import UserFactory

register("test_kind", "%(who)s did a thing")


@pytest.mark.django_db
def test_notify_records_a_notice_with_its_text_and_link():
    user, actor = UserFactory(), UserFactory()
    n = notify(user, "test_kind", actor=actor, url="/somewhere/", who="Ali")
    n.refresh_from_db()
    assert n.recipient == user and n.actor == actor and n.url == "/somewhere/"
    assert n.text == "Ali did a thing"
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_no_notice_for_ones_own_action_and_unknown_kinds_refused():
    user = UserFactory()
    assert notify(user, "test_kind", actor=user, who="x") is None
    assert not Notification.objects.exists()
    with pytest.raises(ValueError):
        notify(user, "no_such_kind")


@pytest.mark.django_db(transaction=True)
def test_notice_rolls_back_with_its_transaction():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user, "test_kind", who="x")
        raise RuntimeError
    assert not Notification.objects.exists()
