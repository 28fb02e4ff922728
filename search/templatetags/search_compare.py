from django import template

from ..compare import MAX_COMPARE, compare_ids, compare_items

register = template.Library()


@register.filter
def in_compare(service, request) -> bool:
    """`{% if service|in_compare:request %}`: is the service in this visitor's compare list?"""
    session = getattr(request, "session", None)
    return session is not None and getattr(service, "pk", None) in compare_ids(session)


@register.simple_tag(takes_context=True)
def compare_state(context) -> dict:
    """The compare list of the current visitor, for the bar (no database query)."""
    request = context.get("request")
    items = compare_items(request.session) if request is not None and hasattr(request, "session") else []
    return {"items": items, "count": len(items), "max": MAX_COMPARE, "full": len(items) >= MAX_COMPARE}
