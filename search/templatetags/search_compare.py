"""The compare list in templates: the toggle beside each service, the results loop and the bar."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..compare import MAX_COMPARE, compare_ids, compare_items
from ..compare import marker as compare_marker

register = template.Library()

# The compare toggle: a results page draws 24 of them, and drawing each from a template cost more
# than the rest of its result, so the markup lives here, in one place, for every page.
TOGGLE_HTML = (
    '<form class="az-compare-toggle" id="compare-toggle-{pk}" method="post" action="{url}"\n'
    '      hx-post="{url}" hx-target="this" hx-swap="outerHTML">{csrf}\n'
    '  <input type="hidden" name="next" value="{next}">\n'
    '  <input type="hidden" name="action" value="{action}">\n'
    '  <button type="submit" class="btn btn-sm {button} az-compare-btn" aria-pressed="{pressed}"'
    ' data-testid="compare-toggle">\n'
    '    <i class="bi {icon}" aria-hidden="true"></i>\n'
    '    {label}<span class="visually-hidden"> {title}</span>\n'
    "  </button>\n"
    "  {error}\n"
    "</form>"
)
ERROR_HTML = '<div class="small text-danger mt-1" role="alert">{}</div>'


def toggle_html(service, *, on: bool, csrf_input: str, next_url: str, error=None) -> SafeString:
    """The form that puts `service` in the compare list or takes it out (htmx redraws just it)."""
    return format_html(
        TOGGLE_HTML,
        pk=service.pk,
        url=reverse("search:compare_toggle", args=[service.pk]),
        csrf=csrf_input,
        next=next_url,
        action="remove" if on else "add",
        button="btn-primary" if on else "btn-outline-primary",
        pressed="true" if on else "false",
        icon="bi-check2-square" if on else "bi-square",
        label=gettext("Compare"),
        # Search results show a highlighted title; the button names the service in plain words.
        title=getattr(service, "plain_title", "") or service.title,
        error=format_html(ERROR_HTML, error) if error else "",
    )


def _visitor_ids(request) -> set[int]:
    session = getattr(request, "session", None)
    return set(compare_ids(session)) if session is not None else set()


@register.filter
def in_compare(service, request) -> bool:
    """`{% if service|in_compare:request %}`: is the service in this visitor's compare list?"""
    return getattr(service, "pk", None) in _visitor_ids(request)


@register.simple_tag(takes_context=True)
def compare_toggle(context, service) -> SafeString:
    """`{% compare_toggle service %}`: the compare toggle of one service (with `compare_error`, if any)."""
    request = context.get("request")
    if getattr(request, "az_shared", False):
        return mark_safe(compare_marker(service))  # noqa: S308 - the title in it is escaped
    return toggle_html(
        service,
        on=in_compare(service, request),
        csrf_input=CsrfTokenNode().render(context),
        next_url=request.get_full_path() if request is not None else "",
        error=context.get("compare_error"),
    )


@register.simple_tag(takes_context=True)
def search_hits(context, services) -> list[tuple]:
    """`{% search_hits services as hits %}`: [(service, card HTML, compare toggle HTML), ...].

    Cards come from the card cache (`services.templatetags.service_cards`); the toggles are
    per visitor and drawn fresh, with the compare list, the CSRF field and the page's URL
    worked out once for the page.
    """
    from services.templatetags.service_cards import service_cards

    request = context.get("request")
    if getattr(request, "az_shared", False):  # a page shared by signed-in visitors: markers (search.compare)
        return [(service, card, mark_safe(compare_marker(service)))  # noqa: S308 - the title in it is escaped
                for service, card in service_cards(services)]
    chosen = _visitor_ids(request)
    csrf_input = CsrfTokenNode().render(context)
    next_url = request.get_full_path() if request is not None else ""
    return [
        (
            service,
            card,
            toggle_html(service, on=service.pk in chosen, csrf_input=csrf_input, next_url=next_url),
        )
        for service, card in service_cards(services)
    ]


WORK_NAMESPACES = frozenset({"orders", "messaging", "escrow", "notifications"})


@register.simple_tag(takes_context=True)
def compare_state(context) -> dict:
    """The compare list of the current visitor, for the bar (no database query)."""
    request = context.get("request")
    items = compare_items(request.session) if request is not None and hasattr(request, "session") else []
    match = getattr(request, "resolver_match", None)
    # The bar is for shopping: not on the compare page itself, nor where a person works on an order,
    # a conversation, their wallet or notices (it would sit over those pages' own buttons).
    shown = bool(items) and not (match and (match.url_name == "compare" or match.namespace in WORK_NAMESPACES))
    return {"items": items, "count": len(items) if shown else 0, "max": MAX_COMPARE,
            "full": len(items) >= MAX_COMPARE}
