"""One rule for the whole site: a NUL byte in a request gets a Persian 400 page, never a 500.

PostgreSQL cannot store U+0000 in text, so a NUL typed into a form field, sent by an htmx draft
autosave or put in a URL path (`/categories/%00/`) would otherwise fail deep inside a view.
The middleware looks at the path, the query string, form fields and their names, and uploaded
file names (file contents may hold any byte).
"""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
NUL = "\x00"


def _has_nul(request) -> bool:
    if NUL in request.path or NUL in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    # Django reads a body into POST and FILES for POST requests only: for any other they are empty.
    posted = request.method == "POST"
    for data in (request.GET, request.POST) if posted else (request.GET,):
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                return True
    return posted and any(NUL in (f.name or "") for f in request.FILES.values())


class NulByteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            bad = _has_nul(request)
        except Exception:  # noqa: BLE001 - an unreadable body is Django's to refuse, not ours
            bad = False
        if bad:
            logger.info("refused a request with a NUL byte: %s %r", request.method, request.path[:200])
            return bad_characters_response(request)
        return self.get_response(request)


def bad_characters_response(request) -> HttpResponse:
    message = _("What you sent contains an invisible character (NUL) that cannot be saved. "
                "Please remove it, for example by typing the text again instead of pasting it, and try again.")
    title = _("The request could not be accepted")
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    try:
        html = render_to_string("errors/bad_characters.html", {"title": title, "message": message}, request=request)
    except Exception:  # noqa: BLE001 - the page must never turn into a 500
        html = f'<!doctype html><html lang="fa" dir="rtl"><meta charset="utf-8"><h1>{title}</h1><p>{message}</p>'
    return HttpResponse(html, status=400)
