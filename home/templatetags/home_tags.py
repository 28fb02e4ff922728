"""Template pieces: `avatar`, trust badges, the saved-service heart, vacation notes, portfolio."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from azmoodegan.escaping import escape

from ..models import PortfolioItem, Profile, SavedService

register = template.Library()


def _loaded(obj, name):
    """A one-to-one relation only if already loaded (never a query per name on a list)."""
    cache = getattr(getattr(obj, "_state", None), "fields_cache", {})
    return cache.get(name) if name in cache else None


def avatar_url(user=None, profile=None) -> str:
    home = _loaded(user, "home_profile") if user is not None else None
    if home is not None and home.photo:
        return (home.photo_thumb or home.photo).url
    expert = profile or (_loaded(user, "expert_profile") if user is not None else None)
    if expert is not None and expert.avatar:
        return expert.avatar.url
    return ""


def avatar_html(name: str, url: str, size: str = "md"):
    """The one avatar markup: the photo, or the first letter of the name as a fallback."""
    if url:
        return format_html('<img class="az-avatar az-avatar-{}" src="{}" alt="{}" loading="lazy" width="64" height="64">',
                           size, url, name)
    return format_html('<span class="az-avatar az-avatar-{}" aria-hidden="true">{}</span>', size, (name or "?")[:1].upper())


@register.simple_tag
def avatar(who, size: str = "md", url: str | None = None):
    """`{% avatar user %}`, `{% avatar expert_profile "sm" %}` or `{% avatar "name" "md" url %}`."""
    from accounts.models import ExpertProfile

    if isinstance(who, str):
        return avatar_html(who, url or "", size)
    if isinstance(who, ExpertProfile):
        return avatar_html(who.display_name, avatar_url(profile=who), size)
    return avatar_html(getattr(who, "display_name", "") or str(who or ""), avatar_url(user=who), size)


@register.filter
def has_photo(user) -> bool:
    return bool(avatar_url(user=user))


def home_profile_of(user_or_id):
    """The user's trust profile: from the loaded relation when there is one, else one query."""
    state = getattr(user_or_id, "_state", None)
    if state is not None and "home_profile" in state.fields_cache:
        return state.fields_cache["home_profile"]
    user_id = getattr(user_or_id, "pk", user_or_id)
    return Profile.objects.filter(user_id=user_id).first()


@register.inclusion_tag("home/_badges.html")
def trust_badges(user_or_id, profile=None):
    """`{% trust_badges user %}`: «شمارهٔ موبایل تأییدشده» and «هویت تأییدشده» when earned."""
    return {"p": profile if profile is not None else home_profile_of(user_or_id)}


@register.simple_tag(takes_context=True)
def saved_state(context, services):
    """{"user": bool, "ids": ids of `services` the visitor saved} in one query (signed-in only)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {"user": False, "ids": set(), "counts": {}}
    if getattr(context.get("request"), "az_shared", False):
        # A page shared by signed-in visitors: markers, filled per visitor (home.hearts.fill_markers).
        return {"user": True, "marker": True, "ids": set(), "counts": {}}
    ids = [s.pk for s in services]
    saved = set(SavedService.objects.filter(user=user, service_id__in=ids).values_list("service_id", flat=True))
    counts = {}
    own = [s.pk for s in services if s.owner_id == user.pk]
    if own:
        from django.db.models import Count

        counts = dict(SavedService.objects.filter(service_id__in=own).values_list("service_id")
                      .annotate(n=Count("id")).order_by())
        counts = {pk: counts.get(pk, 0) for pk in own}
    return {"user": True, "ids": saved, "counts": counts}


@register.simple_tag(takes_context=True)
def vacation_for(context, user_or_id):
    """The owner's trust profile if they are on vacation today, else None (once per request)."""
    request = context.get("request")
    memo = getattr(request, "_home_vacation", None) if request is not None else None
    if memo is None:
        memo = {}
        if request is not None:
            request._home_vacation = memo
    key = getattr(user_or_id, "pk", user_or_id)
    if key not in memo:
        profile = home_profile_of(user_or_id)
        memo[key] = profile if profile is not None and profile.on_vacation() else None
    return memo[key]


@register.inclusion_tag("home/_portfolio_public.html")
def portfolio_of(user_id):
    return {"items": list(PortfolioItem.objects.filter(owner_id=user_id).select_related("service")
                          [: PortfolioItem.MAX_ITEMS])}


@register.filter
def hours(seconds) -> str:
    try:
        value = float(seconds) / 3600
    except (TypeError, ValueError):
        return ""
    return f"{value:.1f}".rstrip("0").rstrip(".")


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0)


@register.filter
def in_set(value, values) -> bool:
    return value in (values or ())


@register.simple_tag(takes_context=True)
def saved_state_one(context, service) -> bool:
    user = context.get("user")
    return bool(user and user.is_authenticated and SavedService.objects.filter(user=user, service=service).exists())


@register.simple_tag
def bar_chart_svg(chart, title, money=False, show_labels=False, testid="chart"):
    """The server-rendered SVG bar chart of `home.selectors.bar_chart` (built here rather than in a
    template: one string per bar instead of a template pass per bar; values escaped with
    `azmoodegan.escaping.escape`)."""
    from azmoodegan.persian import format_number, format_toman

    fmt = format_toman if money else format_number
    label_y = chart["height"] - 8
    bar = ('<g><title>{}: {}</title>\n    <rect x="{}" y="{}" width="{}" height="{}" rx="3" '
           'fill="var(--az-primary, #0f766e)" data-amount="{}"/>\n    {}</g>')
    label = '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#64748b">{}</text>'
    e = escape
    n = str  # the geometry and amounts are numbers: nothing in them to escape
    bars = "\n  ".join(
        bar.format(e(b["label"]), e(fmt(b["amount"])), n(b["x"]), n(b["y"]), n(b["w"]), n(b["h"]), n(b["amount"]),
                   label.format(n(b["cx"]), n(label_y), e(b["label"])) if show_labels else "")
        for b in chart["bars"])
    title = e(title)
    return mark_safe(  # noqa: S308 - every value in it is escaped
        '<figure class="az-chart mb-0" data-testid="{}">\n<svg viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="none" class="w-100" style="height: 12rem">\n  <line x1="0" x2="{}" y1="{}" y2="{}" '
        'stroke="#cbd5e1"/>\n  {}\n</svg>\n<figcaption class="visually-hidden">{}</figcaption>\n</figure>'.format(
            e(testid), e(chart["width"]), e(chart["height"]), title, e(chart["width"]), e(chart["base"]),
            e(chart["base"]), bars, title))


@register.simple_tag(takes_context=True)
def heart_button(context, service_id, saved) -> str:
    """`{% heart_button service_id saved %}`: the save toggle (markup in home.hearts.heart_html)."""
    from django.template.defaulttags import CsrfTokenNode

    from ..hearts import heart_html

    request = context.get("request")
    return heart_html(service_id, bool(saved), csrf_input=CsrfTokenNode().render(context),
                      next_url=request.get_full_path() if request is not None else "")
