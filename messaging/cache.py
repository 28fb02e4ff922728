"""Redis copies of what every page and every poll asks: a user's unread total and a thread's state.

`unread_total(user_id)` feeds the header badge; `thread_state(conversation_id)` lets the poll
endpoint answer "nothing new" without touching PostgreSQL. Both are dropped after every commit that
changes them (`changed`) and rebuilt on the next read.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q, Sum

TTL = 60 * 60 * 24


def _unread_key(user_id: int) -> str:
    return f"msg:unread:{user_id}"


def _thread_key(conversation_id: int) -> str:
    return f"msg:thread:{conversation_id}"


def unread_total(user_id: int) -> int:
    value = cache.get(_unread_key(user_id))
    if value is None:
        from .models import Conversation

        row = Conversation.objects.filter(Q(buyer_id=user_id) | Q(expert_id=user_id)).aggregate(
            b=Sum("buyer_unread", filter=Q(buyer_id=user_id)), e=Sum("expert_unread", filter=Q(expert_id=user_id))
        )
        value = (row["b"] or 0) + (row["e"] or 0)
        cache.set(_unread_key(user_id), value, TTL)
    return value


def thread_state(conversation_id: int) -> dict | None:
    """{"b": buyer id, "e": expert id, "last": last message id, "br"/"er": read markers (iso)}."""
    state = cache.get(_thread_key(conversation_id))
    if state is None:
        from .models import Conversation

        row = (
            Conversation.objects.filter(pk=conversation_id)
            .values_list("buyer_id", "expert_id", "last_message_id", "buyer_read_at", "expert_read_at")
            .first()
        )
        if row is None:
            return None
        state = {
            "b": row[0], "e": row[1], "last": row[2] or 0,
            "br": row[3].isoformat() if row[3] else "", "er": row[4].isoformat() if row[4] else "",
        }
        cache.set(_thread_key(conversation_id), state, TTL)
    return state


def changed(conversation_id: int, user_ids) -> None:
    cache.delete_many([_thread_key(conversation_id), *(_unread_key(u) for u in user_ids)])


def forget_user(user_id: int) -> None:
    cache.delete(_unread_key(user_id))
