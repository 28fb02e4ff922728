"""Reads of the messaging app, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404

from azmoodegan.compiled import CompiledValues, instance
from azmoodegan.paging import Page, page_number

from .models import Attachment, Conversation, Message

PAGE = 30
INBOX_PAGE = 30


# What an inbox row and a thread header show of a person: the name (profile name, full name or e-mail),
# the avatar and the profile's link. A profile has much more (a bio, skills, a Sheba...): not read here.
PERSON_FIELDS = ("first_name", "last_name", "email")
PROFILE_FIELDS = ("user", "display_name", "avatar")


def _person_columns(prefix: str = "") -> list[str]:
    """The values columns of a person (`prefix` "buyer__", "expert__", or "" on the user model itself)."""
    return [f"{prefix}id", *(f"{prefix}{f}" for f in PERSON_FIELDS), f"{prefix}expert_profile__id",
            *(f"{prefix}expert_profile__{f}" for f in PROFILE_FIELDS)]


def _person(row: dict, prefix: str = ""):
    """The user of a values row, with their profile (or None) cached as `select_related` would."""
    from accounts.models import ExpertProfile

    User = get_user_model()
    user = instance(User, row, prefix, PERSON_FIELDS)
    profile = instance(ExpertProfile, row, f"{prefix}expert_profile__", PROFILE_FIELDS)
    User.expert_profile.related.set_cached_value(user, profile)  # None too: "no profile" needs no query
    if profile is not None:
        ExpertProfile.user.field.set_cached_value(profile, user)
    return user


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


_ORDER = ("-last_activity_at", "-id")
_INBOX_COLUMNS = ("id", "buyer_id", "expert_id", "order_id", "last_activity_at", "buyer_unread", "expert_unread",
                  "last_message__body", "last_message__sender_id", "service__title", "order__title",
                  *_person_columns("buyer__"), *_person_columns("expert__"))


@lru_cache(maxsize=16)
def _inbox_ids_query(number: int) -> CompiledValues:
    """The ids of page `number` of a user's inbox. They come from the two per-side indexes
    (`conv_buyer_recent`, `conv_expert_recent`), each read only as far as the page, then merged and cut:
    no count of all conversations and no sort of all of them. PostgreSQL plans it on every run (cheaply:
    one table), so the plan fits the user, with their five or five thousand conversations."""
    start, end = (number - 1) * INBOX_PAGE, number * INBOX_PAGE + 1

    def build(user_id):
        mine = Conversation.objects.filter(last_message__isnull=False).order_by(*_ORDER)
        side = ("id", "last_activity_at")
        return (mine.filter(buyer_id=user_id).values(*side)[:end]
                .union(mine.filter(expert_id=user_id).values(*side)[:end], all=True)
                .order_by(*_ORDER)[start:end])

    return CompiledValues(build, 1)


@lru_cache(maxsize=64)
def _inbox_rows_query(count: int) -> CompiledValues:
    """`count` conversations by id with what their inbox rows show: the last message, the service or order
    title, and both people (names and avatars). Prepared: rows by primary key plan the same for everyone,
    and the seven joins took PostgreSQL longer to plan than to run."""
    return CompiledValues(lambda *ids: Conversation.objects.filter(pk__in=ids).order_by().values(*_INBOX_COLUMNS),
                          count, prepare=True)


@lru_cache(maxsize=1)
def _inbox_layout() -> tuple:
    """Where an inbox row's columns are: those before the people, then each side's person (a slice)."""
    names = _inbox_rows_query(1).names
    width = len(_person_columns())
    buyer, expert = names.index("buyer__id"), names.index("expert__id")
    return buyer, slice(buyer, buyer + width), slice(expert, expert + width)


@lru_cache(maxsize=1)
def _person_class():
    """`Person`: what an inbox row shows of someone, without building a user model instance (a user has
    many more fields, each of which a model instance deals with). Its `display_name` and `is_expert` are
    the user model's own properties, so the name shown is the same as everywhere else."""
    from accounts.models import ExpertProfile

    User = get_user_model()
    profile_attnames = [ExpertProfile._meta.get_field(n).attname for n in ("id", *PROFILE_FIELDS)]

    class Person:
        __slots__ = ("id", "first_name", "last_name", "email", "expert_profile")
        display_name = User.display_name
        is_expert = User.is_expert
        get_full_name = User.get_full_name

        def __init__(self, values):
            """`values`: the columns of `_person_columns()`, in their order."""
            self.id, self.first_name, self.last_name, self.email = values[:4]
            profile = values[4:]
            self.expert_profile = (None if profile[0] is None
                                   else ExpertProfile.from_db("default", profile_attnames, profile))

        @property
        def pk(self) -> int:
            return self.id

    return Person


def inbox_page(user, number) -> Page:
    """A page of the user's conversations with at least one message, latest activity first, in two queries:
    the page's ids, then its rows (the last message, the service or order title, the people) by id."""
    number = page_number(number, most=1000)
    user_id = user.pk
    ids = [pk for pk, _at in _inbox_ids_query(number).tuples(user_id)]
    by_id = {row[0]: row for row in _inbox_rows_query(len(ids)).tuples(*ids)} if ids else {}
    person = _person_class()
    people_at, buyer, expert = _inbox_layout()
    out = []
    for pk in ids:
        row = by_id.get(pk)
        if row is None:  # deleted in between
            continue
        (_pk, buyer_id, _expert_id, order_id, last_activity_at, buyer_unread, expert_unread, last_body, last_sender_id,
         service_title, order_title) = row[:people_at]
        as_buyer = buyer_id == user_id
        out.append(InboxRow(
            pk=pk, other=person(row[expert] if as_buyer else row[buyer]), order_id=order_id,
            order_title=order_title, service_title=service_title, last_body=last_body,
            mine=last_sender_id == user_id, unread=buyer_unread if as_buyer else expert_unread,
            last_activity_at=last_activity_at,
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


def _conversation_page_build(pk):
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import Exists, OuterRef

    from buyer_requests.models import BuyerRequest, Offer

    from .models import Block

    return (
        Conversation.objects.filter(pk=pk)
        .annotate(
            blockers=ArraySubquery(Block.objects.filter(
                Q(blocker_id=OuterRef("buyer_id"), blocked_id=OuterRef("expert_id"))
                | Q(blocker_id=OuterRef("expert_id"), blocked_id=OuterRef("buyer_id"))
            ).values("blocker_id")),
            has_requests=Exists(BuyerRequest.objects.filter(conversation_id=OuterRef("pk"))),
            has_offers=Exists(Offer.objects.filter(conversation_id=OuterRef("pk"))),
        )
        .order_by()
        .values(*(f.attname for f in Conversation._meta.concrete_fields), *_person_columns("buyer__"),
                *_person_columns("expert__"), "service__id", "service__title", "service__slug", "order__id",
                "order__title", "blockers", "has_requests", "has_offers")
    )


# Prepared: one conversation by primary key plans the same whatever the id (see CompiledValues).
_conversation_page_query = CompiledValues(_conversation_page_build, 1, prepare=True)


def conversation_page(user, pk: int) -> Conversation:
    """The conversation for its page, in one query: the two people's names and avatars, what it is about,
    who of the two has blocked the other (`blockers`: their ids), and whether requests or offers were made
    in it (`has_requests` / `has_offers`, so `{% conversation_offers %}` reads nothing when there are none).
    404 unless `user` takes part in it or is staff."""
    from orders.models import Order
    from services.models import Service

    rows = _conversation_page_query.rows(pk)
    if not rows:
        raise Http404
    row = rows[0]
    local = [f.attname for f in Conversation._meta.concrete_fields]
    conv = Conversation.from_db("default", local, [row[n] for n in local])
    if not (conv.has_participant(user) or user.is_staff):
        raise Http404
    for side in ("buyer", "expert"):
        Conversation._meta.get_field(side).set_cached_value(conv, _person(row, f"{side}__"))
    Conversation._meta.get_field("service").set_cached_value(conv, instance(Service, row, "service__", ("title", "slug")))
    Conversation._meta.get_field("order").set_cached_value(conv, instance(Order, row, "order__", ("title",)))
    conv.blockers, conv.has_requests, conv.has_offers = row["blockers"], row["has_requests"], row["has_offers"]
    return conv


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


@lru_cache(maxsize=16)
def _lines_query(direction: str, limit: int) -> CompiledValues:
    """Thread lines of one conversation: the latest `limit`, those before an id, or those after one."""
    def build(conversation_id, *edge):
        qs = Message.objects.filter(conversation_id=conversation_id)
        if direction == "before":
            qs = qs.filter(pk__lt=edge[0])
        elif direction == "after":
            qs = qs.filter(pk__gt=edge[0])
        return qs.order_by("id" if direction == "after" else "-id")[:limit].values(*_LINE_FIELDS)

    return CompiledValues(build, 1 if direction == "latest" else 2)


@dataclass(slots=True)
class Line:
    """A thread line: the columns of `_LINE_FIELDS` (what the pages show of a message), and `files` once
    `attach_files` has set them. Reading 31 of them is most of a conversation page: a plain object costs
    a fraction of a model instance's construction."""

    id: int
    conversation_id: int
    sender_id: int | None
    kind: str
    body: str
    attachment_count: int
    flagged: bool
    created_at: object
    files: list = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id


def _lines(direction: str, limit: int, *ids: int) -> list:
    return [Line(*row) for row in _lines_query(direction, limit).tuples(*ids)]


def latest_messages(conversation: Conversation, *, before: int | None = None, limit: int = PAGE) -> tuple[list, bool]:
    """The `limit` messages before id `before` (or the latest), oldest first, and whether older ones exist."""
    if before:
        rows = _lines("before", limit + 1, conversation.pk, int(before))
    else:
        rows = _lines("latest", limit + 1, conversation.pk)
    more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return attach_files(rows), more


def messages_after(conversation: Conversation, after: int, limit: int = 100) -> list:
    return attach_files(_lines("after", limit, conversation.pk, int(after)))


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
