from urllib.parse import quote

import pytest
from django.urls import reverse

from messaging import actions
from messaging.models import Attachment, Conversation, Message
from tests.accounts.factories import UserFactory
from tests.orders.factories import pdf
from tests.services.factories import expert_user, published_service

from .factories import conversation, exe_as_pdf

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_contact_button_opens_conversation_about_service(client):
    service = published_service()
    buyer = UserFactory()
    client.force_login(buyer)
    page = client.get(service.get_absolute_url())
    assert reverse("messaging:start", args=[service.owner_id]) in page.content.decode()
    response = client.get(reverse("messaging:start", args=[service.owner_id]) + f"?service={service.pk}")
    conv = Conversation.objects.get(buyer=buyer, expert=service.owner)
    assert response.url == conv.get_absolute_url() and conv.service == service
    page = client.get(conv.get_absolute_url())
    assert service.title in page.content.decode()
    # The old URL leads to the same place.
    old = client.get(reverse("services:contact", args=[service.owner_id]) + f"?service={service.pk}")
    assert old.url.startswith(reverse("messaging:start", args=[service.owner_id]))


def test_send_and_receive_with_unread_counts(client):
    conv = conversation()
    client.force_login(conv.buyer)
    r = client.post(reverse("messaging:send", args=[conv.pk]), {"body": "سلام، <script>alert(1)</script> وقت دارید؟",
                                                                "after": "0"}, **HX)
    assert r.status_code == 200
    html = r.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    client.force_login(conv.expert)
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert conv.buyer.display_name in inbox and 'data-testid="inbox-unread">۱<' in inbox
    assert 'data-testid="messages-unread">۱<' in inbox  # header total
    client.get(conv.get_absolute_url())
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert 'data-testid="inbox-unread"' not in inbox and 'data-testid="messages-unread"' not in inbox


@pytest.mark.parametrize(("body", "files", "field", "text"), [
    ("", [], "body", "Please write a message"),
    ("ب" * 5001, [], "body", "at most"),
    ("با پیوست", "exe", "files", "not an accepted file"),
    ("شش فایل", "six", "files", "at most"),
])
def test_bad_input_keeps_text(client, body, files, field, text, settings):
    settings.LANGUAGE_CODE = "en"
    conv = conversation()
    client.force_login(conv.buyer)
    data = {"body": body}
    if files == "exe":
        data["files"] = [exe_as_pdf()]
    elif files == "six":
        data["files"] = [pdf(f"{i}.pdf") for i in range(6)]
    r = client.post(reverse("messaging:send", args=[conv.pk]), data, HTTP_ACCEPT_LANGUAGE="fa")
    assert r.status_code == 400
    page = r.content.decode()
    assert f'data-testid="{field}-error"' in page
    if body:
        assert body in page  # what the user typed stays
    assert Message.objects.count() == 0 and Attachment.objects.count() == 0


def test_persian_error_messages(client):
    conv = conversation()
    client.force_login(conv.buyer)
    r = client.post(reverse("messaging:send", args=[conv.pk]), {"body": "  "})
    assert "لطفاً پیام خود را بنویسید" in r.content.decode()
    r = client.post(reverse("messaging:send", args=[conv.pk]), {"body": "ب" * 5001})
    assert "۵٬۰۰۰" in r.content.decode()


def test_messaging_oneself_and_blocked(client):
    expert = expert_user()
    client.force_login(expert)
    r = client.get(reverse("messaging:start", args=[expert.pk]), follow=True)
    assert "نمی‌توانید به خودتان پیام" in r.content.decode()
    buyer = UserFactory()
    conv = conversation(buyer=buyer, expert=expert)
    actions.block_user(expert, buyer)
    client.force_login(buyer)
    r = client.post(reverse("messaging:send", args=[conv.pk]), {"body": "سلام دوباره"})
    assert "نمی‌توانید به این کاربر پیام بفرستید" in r.content.decode() and "سلام دوباره" in r.content.decode()
    r = client.get(reverse("messaging:start", args=[expert.pk]), follow=True)
    assert "نمی‌توانید به این کاربر پیام بفرستید" in r.content.decode()
    assert not Message.objects.exists()


def test_others_ids_are_404(client):
    conv = conversation(messages=1)
    actions.message_send(conv, conv.buyer, "با فایل", files=[pdf()])
    att = Attachment.objects.get()
    msg = conv.messages.first()
    stranger = UserFactory()
    client.force_login(stranger)
    for url in [conv.get_absolute_url(), reverse("messaging:poll", args=[conv.pk]),
                reverse("messaging:older", args=[conv.pk]) + "?before=999999",
                reverse("messaging:attachment", args=[att.pk]), reverse("messaging:report", args=[msg.pk])]:
        assert client.get(url).status_code == 404, url
    for url in [reverse("messaging:send", args=[conv.pk]), reverse("messaging:block", args=[conv.pk]),
                reverse("messaging:report", args=[msg.pk])]:
        assert client.post(url, {"body": "x", "reason": "spam"}).status_code == 404, url
    assert conv.messages.count() == 2
    # The participants (and staff) get the file.
    client.force_login(conv.expert)
    r = client.get(reverse("messaging:attachment", args=[att.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("messaging:attachment", args=[att.pk])).status_code == 200


def test_contact_warning_then_send_anyway(client):
    conv = conversation()
    client.force_login(conv.buyer)
    url = reverse("messaging:send", args=[conv.pk])
    r = client.post(url, {"body": "شماره من ۰۹۱۲ ۱۲۳ ۴۵۶۷ است"}, **HX)
    page = r.content.decode()
    assert 'data-testid="contact-warning"' in page and "۰۹۱۲ ۱۲۳ ۴۵۶۷" in page and 'name="confirm"' in page
    assert not Message.objects.exists()
    r = client.post(url, {"body": "شماره من ۰۹۱۲ ۱۲۳ ۴۵۶۷ است", "confirm": "True"}, **HX)
    msg = Message.objects.get()
    assert msg.flagged and msg.flag_kinds == ["phone"]
    assert msg.body[msg.flag_spans[0][0]:msg.flag_spans[0][1]] == "۰۹۱۲ ۱۲۳ ۴۵۶۷"


def test_poll_costs_one_query_when_nothing_is_new(client, django_assert_max_num_queries):
    conv = conversation(messages=3)
    client.force_login(conv.buyer)
    client.get(conv.get_absolute_url())
    conv.refresh_from_db()
    last = conv.last_message_id
    token = conv.expert_read_at.isoformat() if conv.expert_read_at else ""
    url = reverse("messaging:poll", args=[conv.pk]) + f"?after={last}&r={quote(token)}"
    client.get(url)  # warms the Redis copy
    with django_assert_max_num_queries(1):  # the signed-in user; the session and the thread are in Redis
        r = client.get(url)
    assert r.status_code == 204
    actions.message_send(conv, conv.expert, "پاسخ جدید")
    r = client.get(url)
    assert r.status_code == 200 and "پاسخ جدید" in r.content.decode()


def test_read_receipt_appears_on_poll(client):
    conv = conversation()
    msg = actions.message_send(conv, conv.buyer, "سؤال")
    client.force_login(conv.buyer)
    page = client.get(conv.get_absolute_url()).content.decode()
    assert f'id="r{msg.pk}"' in page and "خوانده شد" not in page
    conv.refresh_from_db()
    actions.mark_read(conv, conv.expert)
    r = client.get(reverse("messaging:poll", args=[conv.pk]) + f"?after={msg.pk}&r=")
    assert "خوانده شد" in r.content.decode()


def test_older_messages_page_in(client):
    conv = conversation(messages=45)
    client.force_login(conv.buyer)
    page = client.get(conv.get_absolute_url()).content.decode()
    assert "پیام شماره 44" in page and "پیام شماره 14" not in page and 'id="az-older"' in page
    first_shown = Message.objects.filter(conversation=conv).order_by("-id")[29]
    older = client.get(reverse("messaging:older", args=[conv.pk]) + f"?before={first_shown.pk}").content.decode()
    assert "پیام شماره 14" in older and "پیام شماره 0<" in older and "پیام شماره 15<" not in older


@pytest.mark.parametrize("n", [1, 50])
def test_inbox_constant_queries(client, django_assert_max_num_queries, n):
    buyer = UserFactory()
    for _ in range(n):
        conversation(buyer=buyer, messages=2)
    client.force_login(buyer)
    client.get(reverse("messaging:inbox"))
    with django_assert_max_num_queries(4):  # user, page ids, rows (with people), header's expert profile
        r = client.get(reverse("messaging:inbox"))
    assert r.content.decode().count('data-testid="inbox-row"') == min(n, 30)


@pytest.mark.parametrize("n", [1, 500])
def test_conversation_constant_queries(client, django_assert_max_num_queries, n):
    conv = conversation()
    Message.objects.bulk_create([Message(conversation=conv, sender=conv.buyer if i % 2 else conv.expert,
                                         body=f"پیام {i}") for i in range(n)])
    Conversation.objects.filter(pk=conv.pk).update(last_message=Message.objects.last())
    client.force_login(conv.buyer)
    client.get(conv.get_absolute_url())
    with django_assert_max_num_queries(4):  # user, conversation (with blocks and offers), messages, header
        r = client.get(conv.get_absolute_url())
    assert r.content.decode().count('data-testid="message"') == min(n, 30)


def test_report_and_block(client):
    conv = conversation(messages=2)
    other_msg = conv.messages.get(sender=conv.expert)
    client.force_login(conv.buyer)
    r = client.post(reverse("messaging:report", args=[other_msg.pk]), {"reason": "spam", "note": "تبلیغ"})
    assert r.status_code == 302 and other_msg.reports.get().reason == "spam"
    own = conv.messages.get(sender=conv.buyer)
    r = client.post(reverse("messaging:report", args=[own.pk]), {"reason": "spam"})
    assert r.status_code == 200 and not own.reports.exists()
    client.post(reverse("messaging:block", args=[conv.pk]))
    client.force_login(conv.expert)
    r = client.post(reverse("messaging:send", args=[conv.pk]), {"body": "سلام"})
    assert r.status_code == 400 and conv.messages.count() == 2


def test_older_and_poll_for_participants_and_staff_only(client):
    conv = conversation(messages=35)
    first_shown = Message.objects.filter(conversation=conv).order_by("-id")[29]
    older = reverse("messaging:older", args=[conv.pk]) + f"?before={first_shown.pk}"
    poll = reverse("messaging:poll", args=[conv.pk]) + "?after=0&r=x"
    client.force_login(UserFactory())
    assert client.get(older).status_code == 404 and client.get(poll).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert "پیام شماره 4<" in client.get(older).content.decode()
    staff_poll = client.get(poll)
    assert staff_poll.status_code == 200 and "پیام شماره 34" in staff_poll.content.decode()
    conv.refresh_from_db()
    assert conv.buyer_unread == 0 and conv.expert_unread == 1  # staff reading marks nothing read
    client.force_login(conv.expert)
    assert "پیام شماره 34" in client.get(poll).content.decode()
    conv.refresh_from_db()
    assert conv.expert_unread == 0 and conv.expert_read_at is not None
