"""Reads of the messaging app, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404

from .models import Attachment, Conversation, Message

PAGE = 30
INBOX_PAGE = 30


# What an inbox row and a thread header show of a person: the name (profile name, full name or e-mail),
# the avatar and the profile's link. Loading only these keeps the rows small (a profile has a bio, skills, a Sheba...).
def _person(prefix: str) -> list[str]:
    return [f"{prefix}__{f}" for f in ("first_name", "last_name", "email", "expert_profile__user",
                                        "expert_profile__display_name", "expert_profile__avatar")]


class Page:
    """One page of a list without counting it: `per_page + 1` rows say whether a next page exists."""

    def __init__(self, rows: list, number: int, per_page: int):
        self.number = number
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = number > 1
        self.has_other_pages = self.has_next or self.has_previous
        self.next_page_number, self.previous_page_number = number + 1, number - 1


@dataclass(slots=True)
class InboxRow:
    """What one inbox row shows, for the viewer: the other person, what it is about, the last message."""

    pk: int
    other: object
    order_id: int | None
    order_title: str | None
    service_title: str | None
    last_body: str
    mine: bool
    unread: int
    last_activity_at: object


def inbox_page(user, number) -> Page:
    """A page of the user's conversations with at least one message, latest activity first, in two queries.

    1. The page's rows, as plain values with the last message and the service or order title. Their ids come
       from the two per-side indexes (`conv_buyer_recent`, `conv_expert_recent`), each read only as far as
       the page, merged and cut: no count of all conversations and no sort of all of them.
    2. The other people of those rows with their profile names and avatars.
    """
    try:
        number = max(1, min(int(number or 1), 1000))
    except (TypeError, ValueError):
        number = 1
    start, end = (number - 1) * INBOX_PAGE, number * INBOX_PAGE + 1
    order = ("-last_activity_at", "-id")
    base = Conversation.objects.filter(last_message__isnull=False).order_by(*order)
    page_ids = base.filter(buyer=user).values("id")[:end].union(base.filter(expert=user).values("id")[:end], all=True)
    rows = list(
        Conversation.objects.filter(pk__in=page_ids).order_by(*order)[start:end].values(
            "id", "buyer_id", "expert_id", "order_id", "last_activity_at", "buyer_unread", "expert_unread",
            "last_message__body", "last_message__sender_id", "service__title", "order__title",
        )
    )
    if not rows:
        return Page([], number, INBOX_PAGE)
    other_ids = {r["expert_id"] if r["buyer_id"] == user.pk else r["buyer_id"] for r in rows}
    people = (
        get_user_model().objects.filter(pk__in=other_ids).select_related("expert_profile")
        .only(*(f.split("__", 1)[1] for f in _person("x")))
        .in_bulk()
    )
    out = []
    for r in rows:
        as_buyer = r["buyer_id"] == user.pk
        out.append(InboxRow(
            pk=r["id"], other=people[r["expert_id"] if as_buyer else r["buyer_id"]], order_id=r["order_id"],
            order_title=r["order__title"], service_title=r["service__title"], last_body=r["last_message__body"],
            mine=r["last_message__sender_id"] == user.pk, unread=r["buyer_unread"] if as_buyer else r["expert_unread"],
            last_activity_at=r["last_activity_at"],
        ))
    return Page(out, number, INBOX_PAGE)


def conversation_for_user(user, pk: int, *, staff_ok: bool = True) -> Conversation:
    """The conversation if `user` takes part in it (or is staff); 404 for anyone else."""
    conv = (
        Conversation.objects.select_related("buyer__expert_profile", "expert__expert_profile", "service", "order")
        .filter(pk=pk).first()
    )
    if conv is None or not (conv.has_participant(user) or (staff_ok and user.is_staff)):
        raise Http404
    return conv


def conversation_page(user, pk: int) -> Conversation:
    """The conversation for its page, in one query: the two people's names and avatars, what it is about,
    who of the two has blocked the other (`blockers`: their ids), and whether requests or offers were made
    in it (`has_requests` / `has_offers`, so `{% conversation_offers %}` reads nothing when there are none).
    404 unless `user` takes part in it or is staff."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import Exists, OuterRef

    from buyer_requests.models import BuyerRequest, Offer

    from .models import Block

    rows = list(
        Conversation.objects.filter(pk=pk)
        .select_related("buyer__expert_profile", "expert__expert_profile", "service", "order")
        .only(*(f.name for f in Conversation._meta.concrete_fields), *_person("buyer"), *_person("expert"),
              "service__title", "service__slug", "order__title")
        .annotate(
            blockers=ArraySubquery(Block.objects.filter(
                Q(blocker_id=OuterRef("buyer_id"), blocked_id=OuterRef("expert_id"))
                | Q(blocker_id=OuterRef("expert_id"), blocked_id=OuterRef("buyer_id"))
            ).values("blocker_id")),
            has_requests=Exists(BuyerRequest.objects.filter(conversation_id=OuterRef("pk"))),
            has_offers=Exists(Offer.objects.filter(conversation_id=OuterRef("pk"))),
        )
        .order_by()[:1]
    )
    if not rows or not (rows[0].has_participant(user) or user.is_staff):
        raise Http404
    return rows[0]


# A thread line needs neither the staff's flag details nor the order event link.
_LINE_FIELDS = ("id", "conversation_id", "sender_id", "kind", "body", "attachment_count", "flagged", "created_at")


def attach_files(rows: list) -> list:
    """Set `m.files` on each message: its attachments, in one query, and only if any message has some."""
    with_files = [m.pk for m in rows if m.attachment_count]
    by_message: dict[int, list] = {}
    if with_files:
        for a in Attachment.objects.filter(message_id__in=with_files).order_by("id"):
            by_message.setdefault(a.message_id, []).append(a)
    for m in rows:
        m.files = by_message.get(m.pk, [])
    return rows


def _messages(conversation: Conversation):
    return Message.objects.filter(conversation=conversation).only(*_LINE_FIELDS)


def latest_messages(conversation: Conversation, *, before: int | None = None, limit: int = PAGE) -> tuple[list, bool]:
    """The `limit` messages before id `before` (or the latest), oldest first, and whether older ones exist."""
    qs = _messages(conversation)
    if before:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return attach_files(rows), more


def messages_after(conversation: Conversation, after: int, limit: int = 100) -> list:
    return attach_files(list(_messages(conversation).filter(pk__gt=after).order_by("id")[:limit]))


def message_for_user(user, pk: int) -> Message:
    msg = Message.objects.select_related("conversation").filter(pk=pk).first()
    if msg is None or not msg.conversation.has_participant(user):
        raise Http404
    return msg


def attachment_for_user(user, pk: int) -> Attachment:
    row = Attachment.objects.select_related("message__conversation").filter(pk=pk).first()
    if row is None or not (row.message.conversation.has_participant(user) or user.is_staff):
        raise Http404
    return row
