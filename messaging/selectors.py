"""Reads of the messaging app, each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.http import Http404

from .models import Attachment, Conversation, Message

PAGE = 30
INBOX_PAGE = 30


def inbox(user):
    """The user's conversations with at least one message, latest activity first (a queryset to paginate)."""
    return (
        Conversation.objects.filter(Q(buyer=user) | Q(expert=user), last_message__isnull=False)
        .select_related("buyer__expert_profile", "expert__expert_profile", "last_message", "service", "order")
        .order_by("-last_activity_at", "-id")
    )


def conversation_for_user(user, pk: int, *, staff_ok: bool = True) -> Conversation:
    """The conversation if `user` takes part in it (or is staff); 404 for anyone else."""
    conv = (
        Conversation.objects.select_related("buyer__expert_profile", "expert__expert_profile", "service", "order")
        .filter(pk=pk).first()
    )
    if conv is None or not (conv.has_participant(user) or (staff_ok and user.is_staff)):
        raise Http404
    return conv


def _messages(conversation: Conversation):
    return Message.objects.filter(conversation=conversation).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )


def latest_messages(conversation: Conversation, *, before: int | None = None, limit: int = PAGE) -> tuple[list, bool]:
    """The `limit` messages before id `before` (or the latest), oldest first, and whether older ones exist."""
    qs = _messages(conversation)
    if before:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return rows, more


def messages_after(conversation: Conversation, after: int, limit: int = 100) -> list:
    return list(_messages(conversation).filter(pk__gt=after).order_by("id")[:limit])


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
