"""Hearts («ذخیره») in pages whose HTML is shared between visitors.

Search caches the results section of a page for every signed-in buyer with the same URL, and the
home, category and service pages are shared by signed-in visitors whole (`azmoodegan.shared`), so
the per-visitor heart cannot be part of them. The shared HTML carries a marker in place of each
heart (`<!--az-heart:SERVICE:OWNER-->`); `fill_markers` swaps the markers for this visitor's hearts
(one query for the saved ids of the page, one more for the counts on the visitor's own services)
and removes them for anonymous visitors, whose pages the page cache shares.

`heart_html` is the one markup of the heart button (`home/_heart.html` prints it too).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

HEART_HTML = (
    '<form class="az-heart-form" method="post" action="{url}" hx-post="{url}" hx-target="this" hx-swap="outerHTML">'
    '{csrf}<input type="hidden" name="next" value="{next}"><button type="submit" class="btn btn-sm az-heart{saved_class}"'
    ' aria-pressed="{pressed}" data-testid="save-toggle" title="{label}"><i class="bi {icon}" aria-hidden="true"></i>'
    '<span class="visually-hidden">{label}</span></button></form>'
)


def heart_html(service_id: int, saved: bool, *, csrf_input: str, next_url: str) -> SafeString:
    """The button that saves a service or takes it out of the visitor's saved list (htmx redraws it)."""
    return format_html(
        HEART_HTML,
        url=reverse("home:saved_toggle", args=[service_id]),
        csrf=csrf_input,
        next=next_url,
        saved_class=" is-saved" if saved else "",
        pressed="true" if saved else "false",
        label=gettext("Remove from saved") if saved else gettext("Save"),
        icon="bi-heart-fill" if saved else "bi-heart",
    )


def fill_markers(request, args: list[str]) -> dict[str, str]:
    """{"SERVICE:OWNER": the visitor's heart (or, on their own service, how many saved it)}."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return dict.fromkeys(args, "")
    from azmoodegan.shared import PK_STANDIN, csrf_input, stamp

    services = [SimpleNamespace(pk=int(pk), owner_id=int(owner)) for pk, owner in (a.split(":") for a in args)]
    own = [s for s in services if s.owner_id == user.pk]
    counts = {}
    if own:  # an expert looking at a page with their own services: how many saved each (rare)
        from .templatetags.home_tags import saved_state

        counts = saved_state({"user": user, "request": request}, own)["counts"]
    saved = saved_ids(user.pk, [s.pk for s in services if s.owner_id != user.pk])
    field, next_url = csrf_input(), request.get_full_path()
    drawn = {}  # each state drawn once, for a stand-in id
    out = {}
    for arg, service in zip(args, services, strict=True):
        if service.owner_id == user.pk:
            out[arg] = render_to_string("home/_saved_count.html", {"n": counts.get(service.pk, 0)})
            continue
        state = service.pk in saved
        if state not in drawn:
            drawn[state] = heart_html(PK_STANDIN, state, csrf_input=field, next_url=next_url)
        out[arg] = stamp(drawn[state], service.pk)
    return out


def saved_ids(user_id: int, service_ids: list[int]) -> set[int]:
    """Which of `service_ids` the user saved: one small indexed query."""
    from azmoodegan.compiled import marked_ids

    from .models import SavedService

    return marked_ids(SavedService, "service_id", "user_id", user_id, service_ids)


def fill_hearts_response(response, request):
    """Every marker of a rendered response filled for this visitor (see `azmoodegan.shared`)."""
    from azmoodegan.shared import personalize_response

    return personalize_response(response, request)
