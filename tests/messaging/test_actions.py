import pytest

from messaging import actions
from messaging.exceptions import BlockedError, ContactWarning, MessagingError
from messaging.models import Conversation, Message
from notifications.models import Notification
from outbox.api import drain
from tests.accounts.factories import UserFactory
from tests.orders.factories import delivered_order, pdf
from tests.services.factories import expert_user

pytestmark = pytest.mark.django_db


def test_send_counts_unread_and_read_clears():
    buyer, expert = UserFactory(), expert_user()
    conv = actions.conversation_for(buyer, expert)
    actions.message_send(conv, buyer, "سلام، وقت دارید؟")
    actions.message_send(conv, buyer, "یک سؤال دیگر", files=[pdf()])
    conv.refresh_from_db()
    assert conv.expert_unread == 2 and conv.buyer_unread == 0
    assert conv.last_message.body == "یک سؤال دیگر" and conv.last_message.attachments.count() == 1
    assert Notification.objects.filter(recipient=expert, kind="message_received", read_at__isnull=True).count() == 2
    assert actions.mark_read(conv, expert)
    conv.refresh_from_db()
    assert conv.expert_unread == 0 and conv.expert_read_at is not None
    assert not Notification.objects.filter(recipient=expert, read_at__isnull=True).exists()
    assert actions.conversation_for(buyer, expert).pk == conv.pk


def test_refusals():
    buyer, expert = UserFactory(), expert_user()
    with pytest.raises(MessagingError):
        actions.conversation_for(buyer, buyer)
    conv = actions.conversation_for(buyer, expert)
    with pytest.raises(MessagingError):
        actions.message_send(conv, buyer, "   ")
    with pytest.raises(MessagingError):
        actions.message_send(conv, buyer, "x" * 5001)
    with pytest.raises(MessagingError):
        actions.message_send(conv, buyer, "ok", files=[pdf(f"{i}.pdf") for i in range(6)])
    actions.block_user(expert, buyer)
    with pytest.raises(BlockedError):
        actions.message_send(conv, buyer, "سلام")
    with pytest.raises(BlockedError):
        actions.conversation_for(buyer, expert)
    assert Message.objects.count() == 0


def test_order_events_become_system_lines():
    order = delivered_order()
    # Written by the outbox's drainer after each action commits (a worker, kicked on commit).
    assert not Message.objects.filter(conversation__order=order).exists()
    drain()
    conv = Conversation.objects.get(order=order)
    kinds = list(conv.messages.values_list("order_event__kind", flat=True))
    assert kinds[-1] == "delivered" and "paid" in kinds
    assert all(m.sender_id is None for m in conv.messages.all())
    assert Notification.objects.filter(recipient=order.buyer, kind="order_delivered").exists()


def test_each_order_event_notifies_the_other_party_in_app():
    from orders import actions as order_actions

    order = delivered_order()
    order_actions.order_confirm(order_id=order.pk, actor=order.buyer)
    drain()
    kinds_expert = set(Notification.objects.filter(recipient=order.expert).values_list("kind", flat=True))
    kinds_buyer = set(Notification.objects.filter(recipient=order.buyer).values_list("kind", flat=True))
    assert {"order_paid", "order_requirements"} <= kinds_expert
    assert "order_delivered" in kinds_buyer and "order_delivered" not in kinds_expert  # never the actor
    assert "order_confirmed" in kinds_expert
    conv = Conversation.objects.get(order=order)
    assert conv.messages.filter(kind=Message.Kind.ORDER_EVENT).count() == order.events.count()


def test_order_thread_lines_keep_the_events_order_whatever_order_they_are_drained_in():
    """Two drainers (or a retry) may run a later event's row before an earlier one's: the thread still
    reads in the order things happened, each event once, and each event notifies once."""
    from messaging.receivers import order_event_effects

    order = delivered_order()  # its outbox rows are not drained yet (nothing commits in this test)
    events = list(order.events.order_by("pk"))
    assert len(events) >= 3
    for event in reversed(events):
        order_event_effects(event=event.pk)
    conv = Conversation.objects.get(order=order)
    lines = list(conv.messages.filter(kind=Message.Kind.ORDER_EVENT).order_by("pk").values_list("order_event_id", flat=True))
    assert lines == [e.pk for e in events]
    assert Notification.objects.filter(recipient=order.expert, kind="order_requirements").count() == 1


def test_contact_details_warn_then_flag():
    buyer, expert = UserFactory(), expert_user()
    conv = actions.conversation_for(buyer, expert)
    with pytest.raises(ContactWarning) as exc:
        actions.message_send(conv, buyer, "آیدی تلگرامم @ali_design هست")
    assert exc.value.detection.kinds == ["telegram"] and not Message.objects.exists()
    msg = actions.message_send(conv, buyer, "آیدی تلگرامم @ali_design هست", confirm_contact=True)
    assert msg.flagged and msg.flag_kinds == ["telegram"]
    clean = actions.message_send(conv, buyer, "قیمت ۲۵۰٬۰۰۰ تومان و تحویل ۱۴۰۳/۰۹/۱۲")
    assert not clean.flagged
