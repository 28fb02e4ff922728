"""The compare list: up to four service ids in the session.

The session (not the user) holds it, so it works for anonymous visitors; Django's login keeps
session data when it cycles the session key, so the list survives signing in. Titles are kept
beside the ids only for the compare bar; prices are never stored here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

SESSION_KEY = "search_compare"
MAX_COMPARE = 4


class CompareError(Exception):
    pass


def compare_items(session) -> list[dict]:
    """[{"id": 12, "title": "..."}, ...] in the order they were added."""
    items = session.get(SESSION_KEY) or []
    return [i for i in items if isinstance(i, dict) and isinstance(i.get("id"), int)][:MAX_COMPARE]


def compare_ids(session) -> list[int]:
    return [i["id"] for i in compare_items(session)]


def compare_add(session, *, service) -> None:
    items = compare_items(session)
    if any(i["id"] == service.pk for i in items):
        return
    if len(items) >= MAX_COMPARE:
        raise CompareError(
            _("You can compare at most four services. Remove one from the list first.")
        )
    items.append({"id": service.pk, "title": service.title[:80]})
    session[SESSION_KEY] = items


def compare_remove(session, *, service_id: int) -> None:
    session[SESSION_KEY] = [i for i in compare_items(session) if i["id"] != service_id]


def compare_keep_only(session, ids: list[int]) -> int:
    """Drop every id not in `ids` (deleted or unpublished services); how many were dropped."""
    items = compare_items(session)
    kept = [i for i in items if i["id"] in set(ids)]
    if len(kept) != len(items):
        session[SESSION_KEY] = kept
    return len(items) - len(kept)


def compare_clear(session) -> None:
    session.pop(SESSION_KEY, None)
