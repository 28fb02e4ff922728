"""The notification centre: bell count, list, mark one/all read, the grouped email digest, preferences."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from messaging import actions as messaging
from notifications import actions
from notifications.api import notify
from notifications.models import Notification
from notifications.tasks import send_digests
from tests.accounts.factories import UserFactory
from tests.messaging.factories import conversation

pytestmark = pytest.mark.django_db


def _age(minutes=10):
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


def test_bell_counts_list_and_clears(client, django_capture_on_commit_callbacks):
    conv = conversation()
    with django_capture_on_commit_callbacks(execute=True):
        messaging.message_send(conv, conv.buyer, "سلام")
        messaging.message_send(conv, conv.buyer, "هستید؟")
    client.force_login(conv.expert)
    page = client.get("/").content.decode()
    assert 'data-testid="bell-unread">۲<' in page
    listing = client.get(reverse("notifications:list")).content.decode()
    assert listing.count('data-testid="notification"') == 2 and "هستید؟" in listing
    first = Notification.objects.filter(recipient=conv.expert).first()
    r = client.post(reverse("notifications:open", args=[first.pk]))
    assert r.url == conv.get_absolute_url()
    assert 'data-testid="bell-unread">۱<' in client.get("/").content.decode()
    client.post(reverse("notifications:read_all"))
    assert 'data-testid="bell-unread"' not in client.get("/").content.decode()


def test_others_notification_is_404(client):
    conv = conversation()
    messaging.message_send(conv, conv.buyer, "سلام")
    note = Notification.objects.get()
    client.force_login(UserFactory())
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert Notification.objects.get().read_at is None


def test_digest_groups_unread_messages_into_one_email(django_capture_on_commit_callbacks):
    conv = conversation()
    for i in range(10):
        messaging.message_send(conv, conv.buyer, f"پیام {i}")
    assert send_digests() == 0  # too recent: the expert may still read them on the site
    _age()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [conv.expert.email]
    assert "پیام 9" in mail.outbox[0].body and "پیام 0" in mail.outbox[0].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0
    assert len(mail.outbox) == 1


def test_read_notices_and_in_app_only_kinds_are_not_emailed(django_capture_on_commit_callbacks):
    conv = conversation()
    messaging.message_send(conv, conv.buyer, "سلام")
    conv.refresh_from_db()
    messaging.mark_read(conv, conv.expert)  # read on the site → its notice is read too
    notify(conv.buyer, "order_paid", None, title="سفارش آزمایشی")  # in-app only
    _age()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0
    assert mail.outbox == []


def test_preferences_mute_emails(client, django_capture_on_commit_callbacks):
    conv = conversation()
    client.force_login(conv.expert)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "پیام‌های تازه" in page
    r = client.post(reverse("notifications:settings"), {"digest_enabled": "on", "kinds": []})
    assert r.status_code == 302
    messaging.message_send(conv, conv.buyer, "سلام")
    _age()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    assert mail.outbox == []
    assert "message_received" in actions.preference_for(conv.expert).muted_kinds


@pytest.mark.django_db(transaction=True)
def test_digest_skips_rows_another_worker_holds():
    conv = conversation()
    messaging.message_send(conv, conv.buyer, "سلام")
    other = conversation()
    messaging.message_send(other, other.buyer, "درود")
    _age()
    held = Notification.objects.get(recipient=conv.expert)
    locked, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            Notification.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(10)
        connection.close()

    t = threading.Thread(target=hold)
    t.start()
    locked.wait(10)
    try:
        assert send_digests() == 1  # only the row nobody holds
    finally:
        release.set()
        t.join()
    assert Notification.objects.get(pk=held.pk).emailed_at is None
    assert Notification.objects.get(recipient=other.expert).emailed_at is not None
