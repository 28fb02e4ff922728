"""Pages shared by signed-in visitors, with each visitor's own parts put in on every request.

A signed-in buyer's home, search, category and service pages are the same HTML for every buyer but
for a few parts: the header's menu and unread counts, the hearts, the compare toggles and bar, the
"helpful" buttons of reviews, the call to become an expert, and the CSRF token. `shared_page(view)`
renders such a page once in *marker mode* (`request.az_shared`): templates write a marker
(`<!--az-KIND:ARGS-->`, or `CSRF_MARKER` for the token) instead of each of those parts. The page is
kept in Redis under the catalogue version (raised at the commit of every public change, reviews
included), the language and the URL, like the anonymous page cache (`azmoodegan.pagecache`), and
`personalize` fills the markers for each visitor with a constant number of cheap reads: the saved
hearts of the page (one query), the visitor's helpful marks of the page's reviews (one query), the
unread counts (one Redis read), the compare list (the session).

Markers are HTML comments: text people write is escaped (`<` becomes `&lt;`), so nobody can put a
marker in a page. A view whose page is private to its viewer (an owner looking at their own service,
with its owner-only controls) calls `render_privately(request)` before rendering; that render is
never stored, and `only_for_others(request, user_id)` makes the stored page bypassed for that user.

Only views made for it are wrapped (home, search, category, service page): a view that draws a
visitor's own part without a marker would put it in the shared page. The page is kept as long as
the anonymous page cache keeps its pages (`PAGE_TTL_SECONDS`), and never when a message is pending.

Measured on the bench data (`python -m bench.signed_render`: one thread, signed in, CPU per request): the service
page (also with 5,000 reviews) from ~45 ms to ~4.5 ms, search and category pages from 10–26 ms to 3.4–4.8 ms,
the home page from ~22 ms to ~3 ms.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from collections import defaultdict
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import get_language

from .csrf import get_token
from .pagecache import CSRF_MARKER, PAGE_TTL_SECONDS, request_catalogue_version, variant

MARKER = re.compile(r"<!--az-(heart|compare|helpful|shell):([^>]*)-->")
# kind → "module.function(request, [args, ...]) -> {args: html}"; each fills every marker of its kind at once.
FILLERS = {
    "heart": "home.hearts.fill_markers",
    "compare": "search.compare.fill_markers",
    "helpful": "reviews.helpful.fill_markers",
    "shell": "azmoodegan.shell.fill_markers",
}
KEY_PREFIX = "signed"


def is_shared(request) -> bool:
    """Is this render for every signed-in visitor (markers instead of the visitor's own parts)?"""
    return getattr(request, "az_shared", False)


def csrf_input() -> str:
    """The CSRF field of a form drawn outside a template (the token is put in last)."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF_MARKER)


@contextlib.contextmanager
def marker_mode(request, on: bool = True):
    """Render with markers (and the CSRF marker) while inside; the previous mode is restored after."""
    previous = (getattr(request, "az_shared", False), getattr(request, "az_csrf_marker", False))
    request.az_shared = on
    request.az_csrf_marker = on or previous[1]
    try:
        yield
    finally:
        request.az_shared, request.az_csrf_marker = previous


def render_privately(request) -> None:
    """This request's page shows what only its viewer may see: render it as usual and never store it."""
    if getattr(request, "az_shared", False):
        request.az_shared = False
        request.az_shared_refused = True


def only_for_others(request, user_id) -> None:
    """The stored page must not be given to `user_id` (they see a page of their own)."""
    if not hasattr(request, "az_shared_bypass"):
        request.az_shared_bypass = set()
    request.az_shared_bypass.add(user_id)


# Stand-ins for the id (and the text) of one item when a filler draws a part once per request and
# stamps it for each marker: `stamp(draw(PK_STANDIN), pk)` costs a string replace, not a URL reverse
# and an escape per item.
PK_STANDIN = 918273645546372819
TEXT_STANDIN = "\x1eAZ-TEXT\x1e"


def stamp(drawn: str, pk: int, text: str | None = None) -> str:
    out = drawn.replace(str(PK_STANDIN), str(pk))
    return out if text is None else out.replace(TEXT_STANDIN, text)


@functools.cache
def _filler(kind: str):
    module, _, name = FILLERS[kind].rpartition(".")
    return getattr(import_module(module), name)


def personalize(html: str, request, *, csrf: bool = True) -> str:
    """Fill every marker of `html` for this visitor (one batch per kind), then the CSRF token (unless
    `csrf` is false: the anonymous page cache puts each visitor's token in when it serves the page)."""
    if "<!--az-" in html:
        by_kind: dict[str, dict[str, None]] = defaultdict(dict)
        for kind, args in MARKER.findall(html):
            by_kind[kind][args] = None
        filled = {}
        for kind, args in by_kind.items():
            for arg, out in _filler(kind)(request, list(args)).items():
                filled[kind, arg] = out
        html = MARKER.sub(lambda m: filled[m.group(1), m.group(2)], html)
    if csrf and CSRF_MARKER in html:
        html = html.replace(CSRF_MARKER, get_token(request))
    return html


def personalize_response(response, request):
    """`personalize` over a rendered response; left as is while a shared render is under way (the
    markers are filled when the stored page is served)."""
    if is_shared(request) or getattr(response, "streaming", False):
        return response
    if hasattr(response, "render") and callable(response.render):
        response.render()
    content = response.content
    csrf = not getattr(request, "az_csrf_marker", False)
    if b"<!--az-" in content or (csrf and CSRF_MARKER.encode() in content):
        response.content = personalize(content.decode(), request, csrf=csrf).encode()
    return response


def _shareable(request) -> bool:
    user = getattr(request, "user", None)
    if not settings.PAGE_CACHE or request.method != "GET" or user is None or not user.is_authenticated:
        return False
    if variant(request) != "page":
        return False
    return len(messages.get_messages(request)) == 0


def page_key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{request_catalogue_version(request)}:{get_language()}:{path}"


def shared_page(view):
    """Give signed-in visitors `view`'s page from the shared store, personalised (see the module)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _shareable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        entry = cache.get(key)
        if entry is not None:
            if request.user.pk not in entry[3]:
                return _serve(request, entry)
            return personalize_response(view(request, *args, **kwargs), request)
        request.az_shared_refused = False
        request.az_shared_bypass = set()
        with marker_mode(request):
            response = view(request, *args, **kwargs)
            if not getattr(response, "streaming", False) and hasattr(response, "render") and callable(response.render):
                response.render()
        if (request.az_shared_refused or response.status_code != 200 or getattr(response, "streaming", False)
                or response.cookies):
            return personalize_response(response, request)
        entry = (response.content.decode(), response["Content-Type"], response.get("Vary", ""),
                 frozenset(request.az_shared_bypass))
        cache.set(key, entry, PAGE_TTL_SECONDS)
        return _serve(request, entry)

    return wrapper


def _serve(request, entry) -> HttpResponse:
    html, content_type, vary, _bypass = entry
    response = HttpResponse(personalize(html, request).encode(), content_type=content_type)
    if vary:
        response["Vary"] = vary
    return response
