"""Hearts («ذخیره») in result lists whose HTML is shared between visitors.

Search caches the results section of a page for every signed-in buyer with the same URL, so the
per-visitor heart cannot be part of it. The cached HTML carries a marker after each card
(`<!--az-heart:SERVICE:OWNER-->`); `fill_hearts` swaps the markers for this visitor's hearts (one
query for the saved ids of the page, one more for the counts on the visitor's own services) and
removes them for anonymous visitors, whose pages the page cache shares.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.template.loader import render_to_string

HEART_MARKER = re.compile(r"<!--az-heart:(\d+):(\d+)-->")


def fill_hearts(html: str, request) -> str:
    found = HEART_MARKER.findall(html)
    if not found:
        return html
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return HEART_MARKER.sub("", html)
    from .templatetags.home_tags import saved_state

    services = [SimpleNamespace(pk=int(pk), owner_id=int(owner)) for pk, owner in found]
    saved = saved_state({"user": user, "request": request}, services)

    def heart(match: re.Match) -> str:
        service = SimpleNamespace(pk=int(match.group(1)), owner_id=int(match.group(2)))
        return render_to_string("home/_saved_toggle.html", {"service": service, "user": user, "saved": saved},
                                request)

    return HEART_MARKER.sub(heart, html)


def fill_hearts_response(response, request):
    """`fill_hearts` over a rendered HttpResponse (left alone when it holds no marker)."""
    if getattr(response, "streaming", False) or b"<!--az-heart:" not in response.content:
        return response
    response.content = fill_hearts(response.content.decode(), request).encode()
    return response
