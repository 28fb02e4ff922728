"""Every write of the messaging app: conversations, messages, read markers, blocks and reports.

A message send locks its conversation row, so the counters on it (unread per side, last message,
first-response times) stay exact when both people write at once.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from azmoodegan.persian import to_persian_digits
from notifications import cache as notification_cache
from notifications.api import notify
from notifications.models import Notification

from . import cache
from .contact import detect
from .exceptions import BlockedError, ContactWarning, MessagingError
from .models import MAX_ATTACHMENTS, MAX_BODY, Attachment, Block, Conversation, Message, Report


def _changed(conversation_id: int, user_ids) -> None:
    """Drop the Redis copies now and again after commit (a reader in between may have refilled them)."""
    cache.changed(conversation_id, user_ids)
    transaction.on_commit(lambda: cache.changed(conversation_id, user_ids))


def is_blocked(sender, recipient) -> bool:
    """True if `recipient` blocked `sender` (or the other way round: a blocker cannot write either)."""
    return Block.objects.filter(
        Q(blocker_id=recipient.pk, blocked_id=sender.pk) | Q(blocker_id=sender.pk, blocked_id=recipient.pk)
    ).exists()


def _check_pair(buyer, expert) -> None:
    if buyer.pk == expert.pk:
        raise MessagingError(_("You cannot send a message to yourself."), code="self")
    if is_blocked(buyer, expert):
        raise BlockedError()


def find_conversation(user, other) -> Conversation | None:
    """The pre-order conversation between two people, whichever of them started it."""
    return (
        Conversation.objects.filter(order__isnull=True)
        .filter(Q(buyer=user, expert=other) | Q(buyer=other, expert=user))
        .order_by("id")
        .first()
    )


def conversation_for(buyer, expert, service=None) -> Conversation:
    """Open (or continue) the conversation `buyer` has with `expert`, about `service` if given."""
    _check_pair(buyer, expert)
    conversation = find_conversation(buyer, expert)
    if conversation is None:
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    buyer=buyer, expert=expert, service=service, last_activity_at=timezone.now()
                )
        except IntegrityError:  # created by a concurrent request
            conversation = find_conversation(buyer, expert)
    elif service is not None and conversation.service_id != service.pk:
        conversation.service = service
        Conversation.objects.filter(pk=conversation.pk).update(service=service)
    return conversation


def order_conversation(order) -> Conversation:
    """The thread of an order (created on first use)."""
    conversation, _created = Conversation.objects.get_or_create(
        order=order,
        defaults={
            "buyer_id": order.buyer_id, "expert_id": order.expert_id, "service_id": order.service_id,
            "last_activity_at": order.created_at or timezone.now(),
        },
    )
    return conversation


def validate_message(body: str, files=()) -> tuple[str, list[str]]:
    """Check the text and files of a message; return (clean body, content types). Raises MessagingError."""
    from orders.exceptions import OrderFileError
    from orders.filecheck import check_file

    body = (body or "").replace("\r\n", "\n").strip()
    files = list(files or [])
    if not body and not files:
        raise MessagingError(_("Please write a message."), field="body", code="empty")
    if len(body) > MAX_BODY:
        raise MessagingError(
            _("A message can be at most %(max)s characters; yours has %(n)s.")
            % {"max": to_persian_digits(f"{MAX_BODY:,}").replace(",", "٬"), "n": to_persian_digits(f"{len(body):,}").replace(",", "٬")},
            field="body", code="too_long",
        )
    if len(files) > MAX_ATTACHMENTS:
        raise MessagingError(
            _("You can attach at most %(n)s files to a message.") % {"n": to_persian_digits(MAX_ATTACHMENTS)},
            field="files", code="too_many",
        )
    types = []
    for f in files:
        try:
            types.append(check_file(f))
        except OrderFileError as exc:
            raise MessagingError(exc.message, field="files", code="bad_file") from None
    return body, types


def message_send(conversation: Conversation, sender, body: str, files=(), *, confirm_contact: bool = False) -> Message:
    """Send a text message (with up to five files) from one participant to the other.

    Raises `ContactWarning` if the text seems to share contact details and the sender has not
    confirmed; with `confirm_contact` the message is sent and flagged for staff.
    """
    if not conversation.has_participant(sender):
        raise MessagingError(_("You are not part of this conversation."), code="not_participant")
    body, types = validate_message(body, files)
    recipient_id = conversation.other_id(sender)
    if conversation.order_id is None:
        if Block.objects.filter(
            Q(blocker_id=recipient_id, blocked_id=sender.pk) | Q(blocker_id=sender.pk, blocked_id=recipient_id)
        ).exists():
            raise BlockedError()
    detection = detect(body)
    if detection.flagged and not confirm_contact:
        raise ContactWarning(detection)

    files = list(files or [])
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        message = Message.objects.create(
            conversation=conv, sender=sender, kind=Message.Kind.TEXT, body=body,
            attachment_count=len(files),
            flagged=detection.flagged, flag_kinds=list(detection.kinds),
            flag_spans=[list(s) for s in detection.spans],
        )
        for f, ctype in zip(files, types, strict=True):
            f.seek(0)
            Attachment.objects.create(message=message, file=f, original_name=(f.name or "file")[:255],
                                      size=f.size or 0, content_type=ctype)
        now = message.created_at
        is_buyer = sender.pk == conv.buyer_id
        update = {"last_message": message, "last_activity_at": now}
        if is_buyer:
            update.update(buyer_read_at=now, buyer_unread=0, expert_unread=F("expert_unread") + 1)
            if conv.buyer_first_at is None:
                update["buyer_first_at"] = now
        else:
            update.update(expert_read_at=now, expert_unread=0, buyer_unread=F("buyer_unread") + 1)
            if conv.buyer_first_at is not None and conv.expert_first_reply_at is None:
                update["expert_first_reply_at"] = now
        Conversation.objects.filter(pk=conv.pk).update(**update)
        recipient = conv.expert if is_buyer else conv.buyer
        preview = body[:120] if body else _("(file)")
        notify(recipient, "message_received", conv, actor=sender, sender=sender.display_name, preview=preview)
        notification_cache.forget(recipient.pk)
        _changed(conv.pk, (conv.buyer_id, conv.expert_id))
    return message


def system_line(conversation: Conversation, body: str, *, order_event=None, kind=Message.Kind.SYSTEM) -> Message:
    """A line from the site itself (order events): no sender, no unread count, moves the thread up."""
    with transaction.atomic(savepoint=False):  # both writes or neither; in the caller's transaction if any
        message = Message.objects.create(conversation=conversation, sender=None, kind=kind, body=body[:MAX_BODY],
                                         order_event=order_event)
        Conversation.objects.filter(pk=conversation.pk).update(last_message=message,
                                                               last_activity_at=message.created_at)
        _changed(conversation.pk, (conversation.buyer_id, conversation.expert_id))
    return message


def mark_read(conversation: Conversation, user) -> bool:
    """`user` has seen everything in the conversation; returns True if anything changed."""
    if not conversation.has_participant(user):
        return False
    is_buyer = user.pk == conversation.buyer_id
    read_at = conversation.buyer_read_at if is_buyer else conversation.expert_read_at
    unread = conversation.buyer_unread if is_buyer else conversation.expert_unread
    if not unread and read_at is not None and read_at >= conversation.last_activity_at:
        return False
    now = timezone.now()
    fields = {"buyer_read_at": now, "buyer_unread": 0} if is_buyer else {"expert_read_at": now, "expert_unread": 0}
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(**fields)
        for key, value in fields.items():
            setattr(conversation, key, value)
        if unread:
            Notification.objects.filter(
                recipient=user, kind="message_received", read_at__isnull=True,
                target_type=ContentType.objects.get_for_model(Conversation), target_id=conversation.pk,
            ).update(read_at=now)
            notification_cache.forget(user.pk)
            transaction.on_commit(lambda: notification_cache.forget(user.pk))
        # The thread's state (read receipts) changed; the reader's unread total only if something was unread.
        _changed(conversation.pk, (user.pk,) if unread else ())
    return True


def block_user(blocker, blocked) -> Block:
    if blocker.pk == blocked.pk:
        raise MessagingError(_("You cannot block yourself."), code="self")
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def unblock_user(blocker, blocked) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def report_message(message: Message, reporter, reason: str = Report.Reason.OTHER, note: str = "") -> Report:
    conversation = message.conversation
    if not conversation.has_participant(reporter):
        raise MessagingError(_("You are not part of this conversation."), code="not_participant")
    if message.sender_id is None or message.sender_id == reporter.pk:
        raise MessagingError(_("You can only report a message the other person sent."), code="own")
    report, _created = Report.objects.get_or_create(
        message=message, reporter=reporter, defaults={"reason": reason, "note": (note or "")[:1000]}
    )
    return report
