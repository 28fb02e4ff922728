"""The inbox and conversation pages as each person sees them, in a constant number of queries.

The lines and rows are written by `messaging/render.py` (not per-row templates): these tests hold what
depends on the viewer — mine or theirs, the read receipt, the report link, the staff-only flag, the block
banners, the unread badge — and that the inbox pages through both sides of a user's conversations in order.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging import actions
from messaging.models import Conversation, Message
from tests.accounts.factories import UserFactory
from tests.orders.factories import pdf
from tests.services.factories import expert_user

from .factories import conversation

pytestmark = pytest.mark.django_db


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_each_side_sees_its_own_lines_receipts_and_report_links(client):
    conv = conversation()
    mine = actions.message_send(conv, conv.buyer, "سلام <b>پررنگ</b>\nخط دوم")
    theirs = actions.message_send(conv, conv.expert, "پاسخ متخصص")
    actions.system_line(conv, "سفارش پرداخت شد")
    client.force_login(conv.buyer)
    page = _page(client, conv.get_absolute_url())
    assert f'<div class="az-msg az-mine" id="m{mine.pk}"' in page
    assert f'<div class="az-msg" id="m{theirs.pk}"' in page
    assert "سلام &lt;b&gt;پررنگ&lt;/b&gt;<br>خط دوم" in page and "<b>پررنگ" not in page
    assert f'id="r{mine.pk}"' in page and "خوانده شد" in page  # the expert answered, so read
    assert reverse("messaging:report", args=[theirs.pk]) in page
    assert reverse("messaging:report", args=[mine.pk]) not in page  # one cannot report oneself
    assert 'data-testid="system-line"' in page and "سفارش پرداخت شد" in page
    # The other side sees the same lines the other way round.
    client.force_login(conv.expert)
    page = _page(client, conv.get_absolute_url())
    assert f'<div class="az-msg az-mine" id="m{theirs.pk}"' in page
    assert f'<div class="az-msg" id="m{mine.pk}"' in page
    assert reverse("messaging:report", args=[mine.pk]) in page


def test_the_receipt_turns_to_read_only_when_the_other_side_reads(client):
    conv = conversation()
    msg = actions.message_send(conv, conv.buyer, "سؤال")
    client.force_login(conv.buyer)
    page = _page(client, conv.get_absolute_url())
    assert f'<span id="r{msg.pk}" class="az-receipt" data-testid="receipt"><i class="bi bi-check2" ' in page
    client.force_login(conv.expert)
    _page(client, conv.get_absolute_url())
    client.force_login(conv.buyer)
    page = _page(client, conv.get_absolute_url())
    assert f'<span id="r{msg.pk}" class="az-receipt" data-testid="receipt"><i class="bi bi-check2-all' in page


def test_flag_mark_and_attachments_for_staff_only(client):
    conv = conversation()
    flagged = actions.message_send(conv, conv.buyer, "شماره من ۰۹۱۲ ۱۲۳ ۴۵۶۷", confirm_contact=True)
    with_file = actions.message_send(conv, conv.expert, "فایل پیوست", files=[pdf("طرح <۱>.pdf")])
    att = with_file.attachments.get()
    client.force_login(conv.expert)
    page = _page(client, conv.get_absolute_url())
    assert 'class="text-danger"' not in page  # participants never see the staff mark
    assert f'href="{att.get_absolute_url()}" data-testid="attachment"' in page and "طرح &lt;۱&gt;.pdf" in page
    client.force_login(UserFactory(is_staff=True))
    page = _page(client, conv.get_absolute_url())
    marks = page.split(f'id="m{flagged.pk}"')[1].split('class="az-msg')[0]
    assert 'class="text-danger"' in marks
    assert 'az-mine' not in page and 'data-testid="report"' not in page  # staff read, they are no side


def test_block_banners_for_both_sides(client):
    conv = conversation(messages=2)
    actions.block_user(conv.buyer, conv.expert)
    client.force_login(conv.buyer)
    page = _page(client, conv.get_absolute_url())
    assert "Unblock" in page or "رفع مسدودی" in page
    assert 'id="az-composer"' not in page
    client.force_login(conv.expert)
    page = _page(client, conv.get_absolute_url())
    assert 'id="az-composer"' not in page and 'data-testid="block"' in page
    # A third user's block does not count.
    actions.unblock_user(conv.buyer, conv.expert)
    actions.block_user(UserFactory(), conv.expert)
    for user in (conv.buyer, conv.expert):
        client.force_login(user)
        assert 'id="az-composer"' in _page(client, conv.get_absolute_url())


def test_inbox_pages_through_both_sides_in_order_without_counting(client, django_assert_max_num_queries):
    user = expert_user()
    now = timezone.now()
    expected = []
    for i in range(35):
        # The user asks some experts and answers some buyers; activity interleaves both sides.
        conv = conversation(buyer=user, messages=1) if i % 2 else conversation(expert=user, messages=1)
        Conversation.objects.filter(pk=conv.pk).update(last_activity_at=now - dt.timedelta(minutes=i),
                                                       buyer_unread=i if i % 2 else 0,
                                                       expert_unread=0 if i % 2 else i)
        expected.append(conv.pk)
    Conversation.objects.create(buyer=user, expert=expert_user(), last_activity_at=now)  # no message: not listed
    stranger_conv = conversation(messages=1)  # someone else's
    client.force_login(user)
    client.get(reverse("messaging:inbox"))
    with django_assert_max_num_queries(4):
        page = _page(client, reverse("messaging:inbox"))
    shown = [int(x.split("/")[0]) for x in page.split('href="/messages/')[1:] if x.split("/")[0].isdigit()]
    assert shown == expected[:30] and stranger_conv.pk not in shown
    assert 'href="?page=2"' in page and 'href="?page=0"' not in page
    assert 'data-testid="inbox-unread">۳<' in page  # row 3: the user's own unread count on their side
    page2 = _page(client, reverse("messaging:inbox") + "?page=2")
    shown = [int(x.split("/")[0]) for x in page2.split('href="/messages/')[1:] if x.split("/")[0].isdigit()]
    assert shown == expected[30:] and 'href="?page=1"' in page2 and 'href="?page=3"' not in page2
    assert _page(client, reverse("messaging:inbox") + "?page=x").count('data-testid="inbox-row"') == 30


def test_inbox_row_shows_the_other_person_and_the_last_message(client):
    conv = conversation(messages=1)
    actions.message_send(conv, conv.expert, "<script>alert(1)</script> " + "ب" * 120)
    client.force_login(conv.buyer)
    page = _page(client, reverse("messaging:inbox"))
    row = page.split('data-testid="inbox-row"')[1]
    assert conv.expert.display_name in row and conv.buyer.display_name not in row
    assert "&lt;script&gt;" in row and "<script>alert" not in row and "…" in row
    assert "شما:" not in row and "You:" not in row  # the last message is theirs
    client.force_login(conv.expert)
    row = _page(client, reverse("messaging:inbox")).split('data-testid="inbox-row"')[1]
    assert conv.buyer.display_name in row and ("شما:" in row or "You:" in row)


def test_inbox_rows_show_each_sides_other_person_with_name_and_avatar(client):
    """The inbox reads both people of each row with it: the viewer sees the other one, with their profile's
    name and avatar if they have them, on whichever side of the conversation the viewer is."""
    user = expert_user()
    as_buyer = conversation(buyer=user, messages=1)
    profile = as_buyer.expert.expert_profile
    profile.avatar = "avatars/2026/11/face.jpg"
    profile.save(update_fields=["avatar"])
    as_expert = conversation(expert=user, messages=1)  # a plain buyer: no profile, their initial
    client.force_login(user)
    page = _page(client, reverse("messaging:inbox"))
    rows = {int(li.split('href="/messages/')[1].split("/")[0]): li for li in page.split('<li class="az-inbox-row')[1:]}
    assert set(rows) == {as_buyer.pk, as_expert.pk}
    assert profile.display_name in rows[as_buyer.pk] and "face.jpg" in rows[as_buyer.pk]
    assert '<img class="az-avatar az-avatar-sm" src="' in rows[as_buyer.pk]
    buyer_name = as_expert.buyer.display_name
    assert buyer_name in rows[as_expert.pk] and "<img" not in rows[as_expert.pk]
    assert f'<span class="az-avatar az-avatar-sm" aria-hidden="true">{buyer_name[:1]}</span>' in rows[as_expert.pk]
    assert user.display_name not in rows[as_buyer.pk] + rows[as_expert.pk]


@pytest.mark.parametrize("n", [1, 500])
def test_conversation_queries_do_not_grow_with_messages_or_files(client, django_assert_max_num_queries, n):
    conv = conversation()
    Message.objects.bulk_create([Message(conversation=conv, sender=conv.buyer if i % 2 else conv.expert,
                                         body=f"پیام {i}") for i in range(n)])
    actions.message_send(conv, conv.expert, "با فایل", files=[pdf(), pdf("b.pdf")])
    client.force_login(conv.buyer)
    client.get(conv.get_absolute_url())
    with django_assert_max_num_queries(5):  # + one for the attachments of the lines shown
        page = _page(client, conv.get_absolute_url())
    assert page.count('data-testid="attachment"') == 2
    assert page.count('data-testid="message"') == min(n + 1, 30)


def test_two_users_share_the_compiled_queries_and_see_only_their_own(client):
    """The inbox and thread SQL is built once per process and run with each viewer's ids."""
    a, b = conversation(messages=2), conversation(messages=3)
    actions.message_send(a, a.expert, "فقط برای الف")
    actions.message_send(b, b.expert, "فقط برای ب")
    for conv, mine, theirs in ((a, "فقط برای الف", "فقط برای ب"), (b, "فقط برای ب", "فقط برای الف")):
        client.force_login(conv.buyer)
        inbox = _page(client, reverse("messaging:inbox"))
        assert inbox.count('data-testid="inbox-row"') == 1 and mine in inbox and theirs not in inbox
        page = _page(client, conv.get_absolute_url())
        assert mine in page and theirs not in page
        other = b if conv is a else a
        assert client.get(other.get_absolute_url()).status_code == 404


def test_compiled_values_match_the_orm_for_every_id():
    from django.db import connection

    from azmoodegan.compiled import CompiledValues

    convs = [conversation(messages=n) for n in (1, 2, 3)]
    query = CompiledValues(lambda conv_id: Message.objects.filter(conversation_id=conv_id).order_by("-id")
                           .values("id", "body", "created_at"), 1)
    for conv in convs + convs[::-1]:
        rows = query.rows(conv.pk)
        orm = list(Message.objects.filter(conversation_id=conv.pk).order_by("-id").values("id", "body", "created_at"))
        assert rows == orm
        # The same times, in the same time zone (psycopg's loader reads them, not Django's).
        assert [r["created_at"].isoformat() for r in rows] == [r["created_at"].isoformat() for r in orm]
        assert all(r["created_at"].tzinfo is dt.UTC for r in rows)
    prepared = CompiledValues(  # kept by PostgreSQL, planned once: the same rows for every id
        lambda conv_id: Message.objects.filter(conversation_id=conv_id).order_by("-id")
        .values("id", "body", "created_at"), 1, prepare=True)
    for conv in (convs + convs[::-1]) * 3:  # past the five runs after which PostgreSQL may plan it once
        assert prepared.rows(conv.pk) == query.rows(conv.pk)
    assert prepared.rows(40_000) == prepared.rows(3_000_000_000) == []
    with connection.cursor() as cursor:  # one statement whatever the size of the id
        sql = prepared._compiled[0].replace("%s", "$1")  # as psycopg sends it
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = %s", [sql])
        assert cursor.fetchone()[0] == 1
    with pytest.raises(TypeError):
        query.rows(str(convs[0].pk))
    with pytest.raises(ValueError):  # an argument the SQL does not use cannot be filled in
        CompiledValues(lambda conv_id: Message.objects.values("id"), 1).rows(1)


def test_huge_ids_in_paging_and_polling_urls_are_no_server_error(client):
    conv = conversation(messages=3)
    client.force_login(conv.buyer)
    huge = "9" * 30
    older = client.get(reverse("messaging:older", args=[conv.pk]) + f"?before={huge}")
    assert older.status_code == 200 and older.content.decode().count('data-testid="message"') == 3
    poll = client.get(reverse("messaging:poll", args=[conv.pk]) + f"?after={huge}&r=x")
    assert poll.status_code in (200, 204)


def test_the_empty_composer_carries_each_viewers_own_token_and_conversation(client):
    """The empty composer's HTML is rendered once per process: each page still posts to its own conversation,
    with the viewer's own CSRF token, and a submitted composer keeps what was typed."""
    import re

    from django.test import Client

    first, second = conversation(), conversation()
    pages = []
    for conv, person in ((first, first.buyer), (second, second.expert)):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(person)
        page = _page(browser, conv.get_absolute_url())
        form = page[page.index('<form id="az-composer"'):]
        form = form[:form.index("</form>")]
        send = reverse("messaging:send", args=[conv.pk])
        assert f'action="{send}"' in form and f'hx-post="{send}"' in form
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        assert browser.post(send, {"body": "سلام", "csrfmiddlewaretoken": token}).status_code == 302
        pages.append((token, form))
    assert pages[0][0] != pages[1][0]
    assert Message.objects.filter(conversation=first, sender=first.buyer, body="سلام").exists()
    assert Message.objects.filter(conversation=second, sender=second.expert, body="سلام").exists()
