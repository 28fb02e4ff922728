"""Whole-page caching of public pages for anonymous visitors.

Anonymous visitors make most of a marketplace's traffic and see the same home, category,
search and service pages. Those pages are cached in Redis under the catalogue version (raised
by database triggers on every catalogue write, see `CatalogueVersion`), the language and the
full URL, so a cached page never shows a price or a service state older than the last commit.

Pages carry per-visitor CSRF tokens (forms, htmx headers). The page is rendered with a marker
in place of the token and the marker is replaced by the visitor's own token on every response,
so a cached page never leaks or shares a token. Signed-in users, visitors with something in
their compare list or with pending messages, and non-GET requests always get a fresh render.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.translation import get_language

from .csrf import get_token

CSRF_MARKER = "__AZ_CSRF_TOKEN_MARKER__"
PAGE_TTL_SECONDS = 120


def catalogue_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM azmoodegan_catalogue_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def request_catalogue_version(request) -> int:
    """The catalogue version for this request, read once (the page cache may have read it already)."""
    version = getattr(request, "catalogue_version", None)
    if version is None:
        version = request.catalogue_version = catalogue_version()
    return version


def variant(request) -> str:
    """Which rendering of a URL a request gets: the htmx fragment or the whole page.

    An htmx history restore (HX-History-Restore-Request) needs the whole page, like a first visit.
    """
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return "fragment"
    return "page"


def _cacheable_request(request) -> bool:
    if not settings.PAGE_CACHE or request.method != "GET" or request.user.is_authenticated:
        return False
    from search.compare import SESSION_KEY as COMPARE_SESSION_KEY

    session = getattr(request, "session", None)
    if session is not None and session.session_key and session.get(COMPARE_SESSION_KEY):
        return False
    return len(messages.get_messages(request)) == 0


def public_page(view):
    """Cache `view`'s successful anonymous GET responses, keyed by catalogue version and URL."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{request_catalogue_version(request)}:{get_language()}:{variant(request)}:{path}"
        cached = cache.get(key)
        if cached is None:
            request.az_csrf_marker = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                request.az_csrf_marker = False
            if response.streaming:
                return response
            if hasattr(response, "render") and callable(response.render):
                response.render()
            if response.status_code != 200 or response.cookies:
                return _with_token(request, response.content, response)  # served once, never cached
            cached = (response.content, response["Content-Type"], response.get("Vary", ""))
            cache.set(key, cached, PAGE_TTL_SECONDS)
        content, content_type, vary = cached
        response = HttpResponse(content_type=content_type)
        if vary:
            response["Vary"] = vary
        return _with_token(request, content, response)

    return wrapper


def _with_token(request, content: bytes, response: HttpResponse) -> HttpResponse:
    if CSRF_MARKER.encode() in content:
        content = content.replace(CSRF_MARKER.encode(), get_token(request).encode())
    response.content = content
    return response


VERSION_FUNCTIONS = ("azmoodegan_catalogue_changed", "buyer_requests_board_changed")


def catalogue_constraints() -> list[str]:
    """The deferred triggers that raise the catalogue version at commit (for `SET CONSTRAINTS`):
    azmoodegan 0002's and those other apps add with the same function (e.g. reviews), and those of
    the other versions raised the same way (`VERSION_FUNCTIONS`: the requests board's)."""
    from importlib import import_module

    from django.db import connection

    names = list(import_module("azmoodegan.migrations.0002_catalogue_version_at_commit").CONSTRAINT_NAMES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE p.proname = ANY(%s) AND t.tgdeferrable", [list(VERSION_FUNCTIONS)]
        )
        names += [row[0] for row in cursor.fetchall() if row[0] not in names]
    return names
