"""Small display helpers of the request pages."""

from django import template
from django.utils.translation import gettext as _

from azmoodegan.persian import format_duration, to_persian_digits

register = template.Library()


@register.filter
def response_time(expert) -> str:
    """The expert's median first-response time (search_expertstats), or "not measured yet"."""
    try:
        seconds = expert.search_stats.response_seconds
    except Exception:  # no stats row: RelatedObjectDoesNotExist
        seconds = None
    if seconds is None:
        return _("Not measured yet")
    return format_duration(seconds)


@register.filter
def rating(value) -> str:
    return to_persian_digits(f"{value:.1f}").replace(".", "٫")


@register.inclusion_tag("buyer_requests/_conversation_offers.html", takes_context=True)
def conversation_offers(context, conv):
    """The requests and offers of a conversation (up to two queries), and the expert's "send an offer" button."""
    from buyer_requests.models import BuyerRequest, Offer

    user = context["request"].user
    if conv.order_id:
        return {"show": False}
    # The conversation page's query says whether there are any (`has_requests` / `has_offers`): none, no query.
    requests = (list(BuyerRequest.objects.filter(conversation=conv).order_by("-created_at")[:5])
                if getattr(conv, "has_requests", True) else [])
    offers = (list(Offer.objects.filter(conversation=conv).exclude(status=Offer.Status.WITHDRAWN)
                   .order_by("-created_at")[:5]) if getattr(conv, "has_offers", True) else [])
    return {"show": True, "conv": conv, "requests": requests, "offers": offers,
            "is_expert": user.pk == conv.expert_id, "is_buyer": user.pk == conv.buyer_id}
