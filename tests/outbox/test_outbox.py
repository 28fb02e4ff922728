"""The transactional outbox: written with the change, drained exactly once, broker outages lose nothing."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from outbox import api
from outbox.models import Message
from outbox.tasks import drain_task
from tests.concurrency import wait_for

FAILURES: Counter = Counter()


def flaky_handler(*, n: int) -> None:
    """Fails for odd n the first time, succeeds afterwards."""
    FAILURES[n] += 1
    if n % 2 and FAILURES[n] == 1:
        raise OSError("smtp said no")
    mail.EmailMessage(subject=f"flaky {n}", body="", to=["x@example.com"]).send()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing_and_a_committed_one_sends_once():
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        api.enqueue_email(subject="rolled back", body="…", to=["a@example.com"])
        raise RuntimeError
    assert Message.objects.count() == 0
    with transaction.atomic():
        api.enqueue_email(subject="committed", body="…", to=["a@example.com"])
        assert mail.outbox == []  # nothing leaves before the commit
    # Eager Celery: the on-commit kick drained it.
    assert [m.subject for m in mail.outbox] == ["committed"]
    assert api.drain() == 0
    assert Message.objects.get().sent_at is not None
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_dedupe_key_makes_one_message():
    with transaction.atomic():
        assert api.enqueue_email(subject="s", body="b", to=["a@example.com"], dedupe_key="k1") is not None
        assert api.enqueue_email(subject="s", body="b", to=["a@example.com"], dedupe_key="k1") is None
    assert Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_bad_row_is_retried_later_and_the_others_go_on(caplog):
    FAILURES.clear()
    mail.outbox.clear()
    Message.objects.bulk_create([Message(handler="tests.outbox.test_outbox.flaky_handler", payload={"n": n})
                                 for n in range(4)])
    assert api.drain() == 2  # rows 1 and 3 failed, rows 0 and 2 went out
    assert "failed" in caplog.text
    failed = Message.objects.filter(sent_at__isnull=True)
    assert sorted(failed.values_list("payload__n", flat=True)) == [1, 3]
    assert all(m.attempts == 1 and "smtp said no" in m.last_error for m in failed)
    assert api.drain() == 0  # not due yet (backoff)
    failed.update(available_at=failed.first().created_at)
    assert api.drain() == 2
    assert sorted(m.subject for m in mail.outbox) == ["flaky 0", "flaky 1", "flaky 2", "flaky 3"]


@pytest.mark.django_db(transaction=True)
def test_two_drainers_racing_over_1000_rows_send_each_exactly_once():
    mail.outbox.clear()
    Message.objects.bulk_create([
        Message(handler=api.EMAIL_HANDLER, payload={
            "subject": f"row {i}", "body": "", "to": ["r@example.com"], "from_email": "az@example.com"})
        for i in range(1000)
    ])
    counts: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def drainer(name):
        try:
            barrier.wait()
            counts[name] = api.drain()
        finally:
            connection.close()

    threads = [threading.Thread(target=drainer, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    subjects = Counter(m.subject for m in mail.outbox)
    assert len(subjects) == 1000 and set(subjects.values()) == {1}
    assert counts["a"] + counts["b"] == 1000
    assert Message.objects.filter(sent_at__isnull=True).count() == 0
    print(f"drainer a sent {counts['a']}, drainer b sent {counts['b']}")


@pytest.fixture
def broker_down():
    """Point Celery at a closed port (as if Redis were stopped), then bring it back."""
    from azmoodegan.celery import app

    saved = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None

    def restore():
        app.conf.broker_url = saved
        app._pool = None

    yield restore
    restore()
    app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_actions_commit_pages_render_and_every_email_goes_out_once_later(
    celery_worker_real, broker_down, client, settings
):
    from escrow import actions as escrow
    from escrow import ledger
    from escrow.models import Payout
    from tests.accounts.factories import UserFactory
    from tests.escrow.test_withdrawals import fund

    settings.WITHDRAWAL_MIN_TOMAN = 1
    mail.outbox.clear()
    users = [UserFactory() for _ in range(3)]
    for user in users:
        fund(user, 1_000_000)
    started = time.monotonic()
    for i, user in enumerate(users):
        payout = escrow.payout_request(user=user, amount=500_000, sheba="IR062960000000100324200001")
        (escrow.payout_mark_paid if i < 2 else escrow.payout_mark_failed)(payout_id=payout.pk)
    assert time.monotonic() - started < 5  # no waiting on the dead broker
    assert Payout.objects.filter(status="paid").count() == 2
    assert ledger.user_balances(users[2])["available"] == 1_000_000
    client.force_login(users[0])
    response = client.get(reverse("escrow:wallet"))
    assert response.status_code == 200 and 'data-status="paid"' in response.content.decode()
    assert mail.outbox == []
    assert Message.objects.filter(sent_at__isnull=True).count() == 3

    broker_down()  # the broker is back: the beat task's runs go through Redis to the real worker
    drains = celery_worker_real.finished(drain_task.name)
    drain_task.delay()
    drain_task.delay()
    assert wait_for(lambda: celery_worker_real.finished(drain_task.name) >= drains + 2)  # both drains
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert Message.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_whole_order_journey_with_the_broker_down_sends_every_email_and_side_effect_once_when_it_is_back(
    celery_worker_real, broker_down, client
):
    from escrow.checks import run_checks
    from messaging.models import Message as ThreadMessage
    from notifications.models import Notification
    from orders import actions
    from orders.actions.notify import EMAIL_HANDLER as ORDER_EMAIL_HANDLER
    from orders.models import Order
    from reviews.models import ReviewWindow
    from tests.orders import factories as f

    mail.outbox.clear()
    order = f.delivered_order(price=1_000_000)  # paid at the (sandbox) bank, requirements, delivery
    client.force_login(order.buyer)
    started = time.monotonic()
    response = client.post(f"/orders/{order.pk}/confirm/", {"confirmed": "1"})
    assert response.status_code == 302
    assert time.monotonic() - started < 5  # no waiting on the dead broker
    assert Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED
    assert client.get(f"/orders/{order.pk}/").status_code == 200
    assert not any(run_checks().values())
    # Nothing after the commit happened yet: no email, no line in the thread, no notice, no window.
    assert mail.outbox == []
    assert not ThreadMessage.objects.filter(conversation__order=order).exists()
    assert not Notification.objects.filter(kind="order_confirmed").exists()
    assert not ReviewWindow.objects.filter(order=order).exists()
    order.service.refresh_from_db()
    assert order.service.completed_orders == 0
    emails = Message.objects.filter(sent_at__isnull=True, handler__in=[api.EMAIL_HANDLER, ORDER_EMAIL_HANDLER]).count()
    assert emails >= 4  # paid, requirements, delivered, completed

    broker_down()
    drains = celery_worker_real.finished(drain_task.name)
    drain_task.delay()
    assert wait_for(lambda: not Message.objects.filter(sent_at__isnull=True).exists())
    drain_task.delay()
    assert wait_for(lambda: celery_worker_real.finished(drain_task.name) >= drains + 2)  # the second drain too
    assert Message.objects.filter(sent_at__isnull=True).count() == 0
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert len(mail.outbox) == emails and set(sent.values()) == {1}
    assert {m.to[0] for m in mail.outbox} == {order.buyer.email, order.expert.email}
    # Every side effect of every event, exactly once.
    lines = ThreadMessage.objects.filter(conversation__order=order, kind=ThreadMessage.Kind.ORDER_EVENT)
    assert sorted(lines.values_list("order_event_id", flat=True)) == sorted(order.events.values_list("pk", flat=True))
    assert Notification.objects.filter(recipient=order.expert, kind="order_confirmed").count() == 1
    assert Notification.objects.filter(kind="review_invite").count() == 2
    assert ReviewWindow.objects.filter(order=order).count() == 1
    order.service.refresh_from_db()
    assert order.service.completed_orders == 1
    assert actions  # the journey went through the real actions


LOG: list[str] = []


def remember(*, text: str) -> None:
    """A side effect that only writes to the database."""
    from django.contrib.auth.models import Group

    Group.objects.create(name=text)
    LOG.append(text)


def fail_once(*, n: int) -> None:
    FAILURES[f"group-{n}"] += 1
    if FAILURES[f"group-{n}"] == 1:
        raise RuntimeError("the worker died here")


@pytest.mark.django_db(transaction=True)
def test_a_collected_block_writes_one_row_for_its_database_effects_and_a_row_per_email():
    from django.contrib.auth.models import Group

    FAILURES.clear()
    mail.outbox.clear()
    with transaction.atomic():
        with api.collected():
            api.enqueue("tests.outbox.test_outbox.remember", {"text": "line"})
            api.enqueue_email(subject="one", body="", to=["a@example.com"])
            api.enqueue("tests.outbox.test_outbox.fail_once", {"n": 1})
            api.enqueue("tests.outbox.test_outbox.remember", {"text": "notice"})
        rows = list(Message.objects.order_by("id").values_list("handler", flat=True))
        assert sorted(rows) == sorted([api.EMAIL_HANDLER, api.GROUP_HANDLER])
    # The kick drained at commit: the email left; the group failed half-way and left nothing behind.
    assert [m.subject for m in mail.outbox] == ["one"]
    assert not Group.objects.exists()
    group = Message.objects.get(handler=api.GROUP_HANDLER)
    assert group.sent_at is None and "the worker died here" in group.last_error
    Message.objects.filter(pk=group.pk).update(available_at=group.created_at)
    assert api.drain() == 1
    assert sorted(Group.objects.values_list("name", flat=True)) == ["line", "notice"]  # each once
    assert api.drain() == 0 and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_collected_block_rolled_back_writes_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        with api.collected():
            api.enqueue("tests.outbox.test_outbox.remember", {"text": "never"})
            raise RuntimeError
    assert not Message.objects.exists()


@api.database_only
def remember_unless_bad(*, text: str) -> None:
    """A database-only side effect that fails for "bad"."""
    from django.contrib.auth.models import Group

    Group.objects.create(name=text)
    if text == "bad":
        raise RuntimeError("no such thing")


@pytest.mark.django_db(transaction=True)
def test_database_only_rows_drained_together_keep_a_failure_to_its_own_row(caplog):
    from django.contrib.auth.models import Group

    mail.outbox.clear()
    handler = "tests.outbox.test_outbox.remember_unless_bad"
    Message.objects.bulk_create(
        [Message(handler=handler, payload={"text": text}) for text in ("first", "bad", "last")]
        + [Message(handler=api.EMAIL_HANDLER, payload={"subject": f"mail {i}", "body": "", "to": ["m@example.com"],
                                                        "from_email": "az@example.com"}) for i in range(2)]
    )
    assert api.drain() == 4
    assert sorted(Group.objects.values_list("name", flat=True)) == ["first", "last"]  # each once, "bad" undone
    assert sorted(m.subject for m in mail.outbox) == ["mail 0", "mail 1"]
    bad = Message.objects.get(sent_at__isnull=True)
    assert bad.payload == {"text": "bad"} and bad.attempts == 1 and "no such thing" in bad.last_error
    assert "failed" in caplog.text
    assert set(Message.objects.exclude(pk=bad.pk).values_list("attempts", flat=True)) == {1}
    assert api.drain() == 0 and len(mail.outbox) == 2


LOCKED: dict[str, threading.Event] = {}


@api.database_only
def lock_group(*, name: str, wait_for_other: str = "") -> None:
    """A database-only side effect that locks a row, then (the first time) lets the other drainer lock
    its own first: two batches taking the same rows in opposite orders."""
    from django.contrib.auth.models import Group

    Group.objects.select_for_update().get(name=name)
    if wait_for_other and not LOCKED[name].is_set():
        LOCKED[name].set()
        LOCKED[wait_for_other].wait(5)


@pytest.mark.django_db(transaction=True)
def test_two_drainers_whose_batches_clash_send_every_row_at_once_without_a_backoff(caplog):
    """Drainer 1 holds row a and wants b; drainer 2 holds b and wants a. PostgreSQL kills one's statement
    (a deadlock): that batch runs again row by row once the other commits, rather than waiting out
    the backoff of a failed handler, and no error is logged."""
    from django.contrib.auth.models import Group

    Group.objects.bulk_create([Group(name="a"), Group(name="b")])
    LOCKED.update(a=threading.Event(), b=threading.Event())
    handler = "tests.outbox.test_outbox.lock_group"
    first = Message.objects.bulk_create([Message(handler=handler, payload={"name": "a", "wait_for_other": "b"}),
                                         Message(handler=handler, payload={"name": "b"})])
    Message.objects.bulk_create([Message(handler=handler, payload={"name": "b", "wait_for_other": "a"}),
                                 Message(handler=handler, payload={"name": "a"})])
    sent: list[int] = []

    def drainer(limit: int) -> None:
        try:
            sent.append(api.drain(limit=limit))
        finally:
            connection.close()

    one = threading.Thread(target=drainer, args=(2,))
    one.start()
    assert wait_for(lambda: LOCKED["a"].is_set())  # drainer 1 claimed the first two rows and holds a
    two = threading.Thread(target=drainer, args=(2,))
    two.start()
    one.join(20)
    two.join(20)
    assert sorted(sent) == [2, 2]
    assert not Message.objects.filter(sent_at__isnull=True).exists()
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
    assert Message.objects.filter(pk=first[0].pk, last_error="").exists()
    assert "failed" not in caplog.text
