"""Pieces other apps' pages drop in: `{% load reviews_tags %}` then

- `{% service_reviews service %}`: distribution, sub-ratings and the first page of reviews;
- `{% expert_reviews profile %}`: the same for an expert's profile;
- `{% expert_metrics user_id %}`: rating, reviews, completed orders, on-time and completion rates,
  response time, member since, last seen, orders in queue, level;
- `{% order_reviews order role %}`: the invitation / the two reviews on the order page;
- `{% buyer_reputation buyer %}`: what other experts wrote of a buyer (shown to experts only);
- `{% level_badge profile %}`, `{% level_progress user %}`.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from azmoodegan.escaping import escape as text_escape
from azmoodegan.persian import format_number, to_persian_digits

from .. import selectors
from ..actions import window_open
from ..metrics import RULE_LABELS, metrics_of, standing
from ..models import Review

register = template.Library()


@register.filter
def stars_fa(value) -> str:
    """4.4 → «۴٫۴» (one decimal, Persian digits and decimal separator)."""
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return ""
    return to_persian_digits(f"{number:.1f}").replace(".", "٫")


@register.filter
def percent_fa(value) -> str:
    if value is None:
        return "—"
    number = float(value)
    text = f"{number:.0f}" if number == int(number) else f"{number:.1f}"
    return to_persian_digits(text).replace(".", "٫") + "٪"


@register.filter
def star_icons(value) -> list[str]:
    """Five icon names for a rating (full, half, empty)."""
    number = float(value or 0)
    out = []
    for i in range(1, 6):
        out.append("bi-star-fill" if number >= i - 0.25 else "bi-star-half" if number >= i - 0.75 else "bi-star")
    return out


@register.simple_tag(takes_context=True)
def helpful_button(context, review):
    """`{% helpful_button review %}`: the review's «مفید بود» for this visitor (reviews.helpful)."""
    from django.template.defaulttags import CsrfTokenNode
    from django.utils.safestring import mark_safe

    from ..helpful import helpful_html, marker, may_mark

    request = context.get("request")
    if getattr(request, "az_shared", False):  # a page shared by signed-in visitors: filled per visitor
        return mark_safe(marker(review))  # noqa: S308 - digits only
    user = context.get("user") or getattr(request, "user", None)
    return helpful_html(review.pk, review.helpful_count, can_mark=may_mark(user, review.author_id, review.subject_id),
                        marked=bool(getattr(review, "marked", False)), csrf_input=CsrfTokenNode().render(context))


@register.inclusion_tag("reviews/_service_reviews.html", takes_context=True)
def service_reviews(context, service):
    request = context.get("request")
    # A page shared by signed-in visitors shows no one's marks (they are filled per visitor).
    viewer = None if getattr(request, "az_shared", False) else getattr(request, "user", None)
    totals, page = selectors.service_reviews(service.pk, viewer=viewer)
    from django.urls import reverse

    return {"service": service, "totals": totals, "page": page, "user": getattr(request, "user", None),
            "base_url": reverse("reviews:service_reviews", args=[service.pk]), "request": request}


@register.inclusion_tag("reviews/_service_reviews.html", takes_context=True)
def expert_reviews(context, profile):
    request = context.get("request")
    totals, page = selectors.expert_reviews(profile.user_id, viewer=getattr(request, "user", None))
    from django.urls import reverse

    return {"profile": profile, "totals": totals, "page": page, "user": getattr(request, "user", None),
            "base_url": reverse("reviews:expert_reviews", args=[profile.user_id]), "show_service": True,
            "request": request}


@register.inclusion_tag("reviews/_expert_metrics.html")
def expert_metrics(user_id):
    return {"m": metrics_of(user_id)}


@register.inclusion_tag("reviews/_level_badge.html")
def level_badge(profile):
    return {"profile": profile}


@register.inclusion_tag("reviews/_order_reviews.html", takes_context=True)
def order_reviews(context, order, role):
    if order.status != order.Status.COMPLETED or role not in ("buyer", "expert", "staff"):
        return {"show": False}
    by_side = selectors.order_reviews(order)
    window = getattr(order, "review_window", None) if hasattr(order, "review_window") else None
    mine = by_side.get(role) if role in ("buyer", "expert") else None
    other_side = {"buyer": Review.Side.EXPERT, "expert": Review.Side.BUYER}.get(role)
    other = by_side.get(other_side) if other_side else None
    is_open = window_open(window) if window else True
    days_left = None
    if window and is_open:
        days_left = to_persian_digits(str(max(0, (window.closes_at - timezone.now()).days)))
    return {
        "show": True, "order": order, "role": role, "mine": mine, "other": other, "window": window,
        "is_open": is_open, "days_left": days_left, "buyer_review": by_side.get(Review.Side.BUYER),
        "expert_review": by_side.get(Review.Side.EXPERT),
        # The other side's review stays hidden until it is published (double-blind).
        "other_visible": bool(other and other.is_published),
    }


@register.inclusion_tag("reviews/_buyer_reputation.html", takes_context=True)
def buyer_reputation(context, buyer):
    request = context.get("request")
    user = getattr(request, "user", None)
    if buyer is None or user is None or not user.is_authenticated or not (user.is_expert or user.is_staff):
        return {"show": False}
    data = selectors.buyer_reputation(buyer.pk)
    return {"show": True, "buyer": buyer, **data, "count_fa": format_number(data["count"])}


@register.simple_tag
def level_progress(user):
    if user is None or not getattr(user, "is_expert", False):
        return ""
    return level_progress_html(standing(user.pk))


def _rule_figure(rule, value) -> str:
    if rule.percent:
        return percent_fa(value)
    if rule.name == "rating":
        return "—" if value is None else stars_fa(value)
    return format_number(0 if value is None else value)


_LABELS: dict[tuple, dict] = {}


def _progress_labels() -> dict:
    """The box's labels and links in the active language (no user's data: made once per language)."""
    key = (get_language(), get_script_prefix())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {
            "rules": {name: escape(str(label)) for name, label in RULE_LABELS.items()},  # str: translated now
            "css": escape(static("reviews/reviews.css")), "levels": escape(reverse("reviews:levels")),
            "your_level": escape(gettext("Your level")), "how": escape(gettext("How levels work")),
            "to_reach": gettext("To reach “%(level)s”:"),
            "highest": escape(gettext("You hold the highest level. Keep it up!")),
        }
    return labels


def level_progress_html(s) -> SafeString:
    """The expert's level and the rules of the next one (`metrics.Standing`), built in one pass: the
    expert's dashboard shows it on every visit. Values are escaped with `azmoodegan.escaping.escape`: the
    same characters as Django's `escape`, without its lazy-string wrapper."""
    labels = _progress_labels()
    if s.next_level:
        rules = "".join(
            '<li class="mb-1 {}" data-testid="level-rule"><i class="bi {}" aria-hidden="true"></i>\n'
            '      {}: {}\n      <span class="az-muted">/ {}</span>\n    </li>'.format(
                "text-success" if rule.met else "", "bi-check-circle-fill" if rule.met else "bi-circle",
                labels["rules"].get(rule.name) or text_escape(rule.label),
                text_escape(_rule_figure(rule, rule.current)), text_escape(_rule_figure(rule, rule.required)))
            for rule in s.rules)
        body = ('\n  <p class="small mb-2">{} <a href="{}">{}</a></p>\n  <ul class="list-unstyled small mb-0">\n'
                '    {}\n  </ul>\n  ').format(
            labels["to_reach"] % {"level": text_escape(s.next_label)}, labels["levels"], labels["how"], rules)
    else:
        body = '<p class="small mb-0">{}</p>'.format(labels["highest"])
    return mark_safe(  # noqa: S308 - every value in it is escaped or made here
        '\n\n<link rel="stylesheet" href="{}">\n<section class="az-card p-3 mb-3" aria-labelledby="az-level-progress" '
        'data-testid="level-progress">\n  <h2 class="h6" id="az-level-progress">{}: <span class="fw-bold">{}</span></h2>'
        '\n  {}\n</section>\n\n'.format(labels["css"], labels["your_level"], text_escape(s.level_label), body))
