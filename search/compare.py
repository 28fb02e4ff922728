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


def marker(service) -> str:
    """The compare toggle of `service` in a page shared by signed-in visitors (filled per visitor)."""
    from django.utils.html import escape

    title = getattr(service, "plain_title", "") or service.title
    return f"<!--az-compare:{int(service.pk)}:{escape(title)}-->"


def fill_markers(request, args: list[str]) -> dict[str, str]:
    """{"ID:TITLE": this visitor's compare toggle of that service} (their list is in the session)."""
    from types import SimpleNamespace

    from django.utils.safestring import mark_safe

    from azmoodegan.shared import PK_STANDIN, TEXT_STANDIN, csrf_input, stamp

    from .templatetags.search_compare import toggle_html

    session = getattr(request, "session", None)
    chosen = set(compare_ids(session)) if session is not None else set()
    field, next_url = csrf_input(), request.get_full_path()
    standin = SimpleNamespace(pk=PK_STANDIN, title=mark_safe(TEXT_STANDIN))  # noqa: S308 - a stand-in
    drawn = {}  # each state drawn once, for a stand-in id and title
    out = {}
    for arg in args:
        pk, _sep, title = arg.partition(":")  # the title was escaped by `marker`
        on = int(pk) in chosen
        if on not in drawn:
            drawn[on] = toggle_html(standin, on=on, csrf_input=field, next_url=next_url)
        out[arg] = stamp(drawn[on], int(pk), title)
    return out
