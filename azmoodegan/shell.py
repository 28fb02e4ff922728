"""The signed-in visitor's own parts of the page shell (templates/base.html), cheaply.

- `header_counts(request)`: unread messages and notifications for the header, both read from Redis
  in one round trip and kept on the request (the header shows them twice, phone and wide screen).
- `fill_markers`: the shell's parts of a page shared by signed-in visitors (`azmoodegan.shared`):
  `user-nav` (the menu with the visitor's name), `nav-phone` (the phone header's badges),
  `compare-bar` and `expert-cta` (the home page's "become an expert" or "dashboard").
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.translation import get_language


def header_counts(request) -> dict:
    """{"messages": n, "notifications": n} of the signed-in user (zeros for anyone else)."""
    counts = getattr(request, "_az_header_counts", None)
    if counts is not None:
        return counts
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"messages": 0, "notifications": 0}
    keys = header_count_keys(user.pk)
    return seed_header_counts(request, user.pk, cache.get_many(list(keys.values())))


def header_count_keys(user_id: int) -> dict[str, str]:
    """The cache keys of the header's counts: a page that reads the cache anyway can read them in the same
    round trip and hand what it found to `seed_header_counts`."""
    from messaging import cache as messaging_cache
    from notifications import cache as notification_cache

    return {"messages": messaging_cache._unread_key(user_id), "notifications": notification_cache._key(user_id)}


def seed_header_counts(request, user_id: int, found: dict) -> dict:
    """The header's counts from `found` (cache values by key), kept on the request for `header_counts`."""
    from messaging import cache as messaging_cache
    from notifications import cache as notification_cache

    counts = {}
    for name, key in header_count_keys(user_id).items():
        value = found.get(key)
        if value is None:  # not cached: the owning app counts it (and caches it)
            value = (messaging_cache.unread_total(user_id) if name == "messages"
                     else notification_cache.unread_count(user_id))
        counts[name] = value
    request._az_header_counts = counts
    return counts


def _render(template_name: str, request) -> str:
    from .pagecache import CSRF_MARKER

    return get_template(template_name).render({"request": request, "user": request.user, "csrf_token": CSRF_MARKER})


# The menu and the phone badges are drawn from a handful of values (below); once drawn, the HTML is
# kept in this process under those values, with the CSRF marker in place of the token. A change to
# any of them is a new key, so a kept copy is never stale (templates change only with a restart;
# in development, where they change under a running server, nothing is kept).
_MEMO: OrderedDict = OrderedDict()
_MEMO_LOCK = threading.Lock()
MEMO_SIZE = 2048


def _memo(key: tuple, draw) -> str:
    if settings.DEBUG:
        return draw()
    html = _MEMO.get(key)
    if html is None:
        html = draw()
        with _MEMO_LOCK:
            _MEMO[key] = html
            if len(_MEMO) > MEMO_SIZE:
                _MEMO.popitem(last=False)
    return html


def user_nav(request) -> str:
    """The signed-in menu of the header (templates/includes/_user_nav.html), CSRF marker inside."""
    user = request.user
    counts = header_counts(request)
    key = ("user-nav", get_language(), user.pk, user.display_name, user.is_expert, user.is_staff,
           counts["messages"], counts["notifications"])
    return _memo(key, lambda: _render("includes/_user_nav.html", request))


def nav_phone(request) -> str:
    counts = header_counts(request)
    key = ("nav-phone", get_language(), counts["messages"], counts["notifications"])
    return _memo(key, lambda: _render("messaging/_nav_phone.html", request))


def compare_bar(request) -> str:
    from search.compare import compare_items

    session = getattr(request, "session", None)
    if session is not None and compare_items(session):
        return _render("search/_compare_bar.html", request)
    return _memo(("compare-bar-empty", get_language()), lambda: _render("search/_compare_bar.html", request))


def fill_markers(request, names: list[str]) -> dict[str, str]:
    parts = {
        "user-nav": user_nav,
        "nav-phone": nav_phone,
        "compare-bar": compare_bar,
        "expert-cta": lambda r: _memo(("expert-cta", get_language(), r.user.is_expert),
                                      lambda: _render("home/_expert_cta.html", r)),
    }
    return {name: parts[name](request) if name in parts else "" for name in names}
