"""Search results (also category pages), and the compare list and page."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from azmoodegan.pagecache import request_catalogue_version
from azmoodegan.persian import (
    format_duration,
    format_number,
    format_toman,
    normalize_text,
    to_persian_digits,
    toman_to_rials,
)
from azmoodegan.shared import is_shared, marker_mode, personalize_response
from reviews import search_filters as rep
from services.models import Service

from . import compare as cmp
from . import selectors
from .forms import RATING_CHOICES, SORT_CHOICES, SearchForm
from .query import MAX_QUERY_CHARS, parse_query
from .selectors import (
    LEVEL_RANK,
    Filters,
    category_tree,
    popular_categories,
    rating_mean,
    search_page,
    services_for_compare,
)
from .suggest import did_you_mean

FILTER_PARAMS = ("q", "category", "min_price", "max_price", "max_days", "min_rating", "fast", "min_level", "verified",
                 "sort")


def search(request, *, category=None, template_name="search/search.html", extra_context=None):
    """The search page; with `category` (a services.Category) it is that category's page.

    Reusable by the catalogue: `return search_views.search(request, category=category,
    extra_context={...})` renders the same filters and results with the category fixed.
    The results HTML is shared between signed-in visitors: it is rendered with markers in place of
    each visitor's own parts (hearts, compare toggles, the CSRF token; azmoodegan.shared), filled
    for each visitor afterwards.
    """
    with marker_mode(request, on=is_shared(request) or request.user.is_authenticated):
        response = _search(request, category=category, template_name=template_name, extra_context=extra_context)
    return personalize_response(response, request)


def _search(request, *, category, template_name, extra_context):
    version = request_catalogue_version(request)
    whole_page = not (request.htmx and not request.htmx.history_restore_request)
    key = _results_key(request, version)
    if key and whole_page:
        # A signed-in buyer's page whose content (filters and results) is cached already: only the
        # page around it is drawn (the title needs the category or the normalised query).
        content_html = cache.get(key + ":content")
        if content_html is not None:
            response = render(request, template_name, {
                "content_html": mark_safe(content_html),  # noqa: S308 - rendered by our template
                "fixed_category": category,
                "filters": {"query": {"text": normalize_text(request.GET.get("q") or "")[:MAX_QUERY_CHARS]}},
                "category": category,
                **(extra_context or {}),
            })
            patch_vary_headers(response, ["HX-Request"])
            return response
    fixed = category_tree(version).get(category.slug) if category is not None else None
    form = SearchForm(request.GET or None, fixed_category=fixed, version=version)
    data = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data  # the valid fields only; the rest are reported and ignored
    query = parse_query(data.get("q", ""))
    price_low, price_high = data.get("min_price"), data.get("max_price")
    filters = Filters(
        query=query,
        category=fixed or data.get("category"),
        min_price_rials=toman_to_rials(price_low) if price_low is not None else None,
        max_price_rials=toman_to_rials(price_high) if price_high is not None else None,
        max_days=data.get("max_days"),
        min_rating=data.get("min_rating"),
        fast_reply=bool(data.get("fast")),
        sort=data.get("sort") or "relevance",
        extra={k: v for k, v in (("min_level", data.get("min_level")), ("verified", data.get("verified"))) if v},
    )
    filters.version = version
    context = {
        "form": form,
        "filters": filters,
        "fixed_category": fixed,
        "category": category,
        "active_filters": _active_filters(request, form, fixed, version),
        "base_query": _query_string(request, exclude=("page",)),
        "form_action": request.path,
        "sort_choices": SORT_CHOICES,
        "rating_choices": RATING_CHOICES,
        "level_choices": rep.LEVEL_CHOICES, "level_label": rep.LEVEL_LABEL, "verified_label": rep.VERIFIED_LABEL,
        **(extra_context or {}),
    }
    results_html = cache.get(key) if key else None
    if results_html is None:
        context.update(_results_context(request, form, filters, query))
        if key:
            results_html = _render_results(request, context)
            cache.set(key, results_html, RESULTS_TTL)
    if results_html is not None:
        context["results_html"] = mark_safe(results_html)  # noqa: S308 - rendered by our template
    if not whole_page:
        if results_html is not None:
            response = HttpResponse(results_html)
        else:
            response = render(request, "search/_results.html", context)
    elif key:
        response = _render_and_keep_content(request, template_name, context, key + ":content")
    else:
        response = render(request, template_name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


_CONTENT = re.compile(r"<!--az-content-->(.*)<!--/az-content-->", re.DOTALL)


def _render_and_keep_content(request, template_name, context, key) -> HttpResponse:
    """Render the whole page (with markers), and keep its content part for the next signed-in buyer."""
    response = render(request, template_name, {**context, "content_marker": True})
    html = response.content.decode()
    match = _CONTENT.search(html)
    if match:
        cache.set(key, match.group(1), RESULTS_TTL)
        html = html[: match.start()] + match.group(1) + html[match.end() :]
    response.content = html.encode()
    return response


def _results_context(request, form, filters, query) -> dict:
    """Everything the results section shows: the page of services, notices, suggestion, empty state."""
    page, beyond_end = search_page(filters, request.GET.get("page"))
    notices = [str(e) for errors in (form.errors.values() if form.is_bound else []) for e in errors]
    if beyond_end:
        notices.append(_("That page does not exist; here is the last page of results."))
    raw_q = (request.GET.get("q") or "").strip()
    if raw_q and not query.tokens:
        notices.append(_("Your search has no letters or digits we can look for, so all services are shown."))
    elif len(raw_q) > 200:
        notices.append(_("Your search was long, so only its beginning was used."))
    fallback = filters.mode == "any" and page.paginator.count > 0
    if fallback:
        notices.append(_("No service has all of your words, so services with some of them are shown, "
                         "those with the most words first."))
    suggestion = None
    if query.tokens and (page.paginator.count == 0 or fallback):
        found = did_you_mean(filters)
        if found is not None:
            suggestion = {"text": found.text, "url": "?" + _query_string(request, exclude=("page",), q=found.text)}
    empty = None
    if page.paginator.count == 0:
        empty = {"categories": popular_categories(filters.version), "request_url": _buyer_request_url()}
    return {
        "page": page,
        "services": page.object_list,
        "notices": notices,
        "suggestion": suggestion,
        "fallback": fallback,
        "empty": empty,
        "count_capped": page.paginator.capped,
    }


# The results section of a signed-in buyer's page is the same for every visitor with the same URL,
# catalogue version and language: it holds markers for each visitor's own parts (hearts, compare
# toggles, the CSRF token), filled afterwards. Anonymous visitors get whole pages from the page cache.
RESULTS_TTL = 600


def _results_key(request, version: int) -> str | None:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"search:results:{version}:{get_language()}:{path}"


def _render_results(request, context) -> str:
    return render_to_string("search/_results.html", context, request)


def _buyer_request_url() -> str | None:
    """Where a buyer posts a public request, once that page exists."""
    try:
        return reverse("buyer_requests:new")
    except NoReverseMatch:
        return None


def _query_string(request, *, exclude=(), **overrides) -> str:
    params = [
        (k, overrides.get(k, v))
        for k in FILTER_PARAMS + ("page",) if k not in exclude for v in request.GET.getlist(k)[:1] if v
    ]
    return urlencode(params)


def _active_filters(request, form, fixed, version=None) -> list[dict]:
    """Each filter in the URL with a link that removes just that filter."""
    labels = {
        "q": _("Search: %s"), "category": _("Category: %s"), "min_price": _("From %s Toman"),
        "max_price": _("Up to %s Toman"), "max_days": _("Within %s days"), "min_rating": _("Rating %s and up"),
        "fast": _("Answers within a day"), "min_level": "%s", "verified": rep.VERIFIED_LABEL,
    }
    tree = category_tree(version)
    out = []
    for name in labels:
        value = (request.GET.get(name) or "").strip()
        if not value or (name == "category" and fixed is not None):
            continue
        shown = value
        if name == "category":
            node = tree.get(value)
            shown = node.name if node else value
        elif name in ("min_price", "max_price", "max_days") and value.isdigit():
            shown = format_number(int(value))
        elif name == "min_level":
            shown = str(dict(rep.LEVEL_CHOICES).get(value, value))
        label = labels[name] if name in ("fast", "verified") else labels[name] % shown[:40]
        out.append({"name": name, "label": label, "url": "?" + _query_string(request, exclude=(name, "page"))})
    return out


# --- Compare -------------------------------------------------------------------------------------


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or fallback
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def compare_toggle(request, pk: int):
    """Add a service to the compare list or take it out (htmx: the button and the bar are redrawn)."""
    service = Service.objects.filter(pk=pk).only("pk", "title", "status").first()
    in_list = pk in cmp.compare_ids(request.session)
    error = None
    if request.POST.get("action") == "remove" or (in_list and request.POST.get("action") != "add"):
        cmp.compare_remove(request.session, service_id=pk)
    elif service is None or service.status != Service.Status.PUBLISHED:
        error = _("This service is not available any more, so it cannot be compared.")
    else:
        try:
            cmp.compare_add(request.session, service=service)
        except cmp.CompareError as exc:
            error = str(exc)
    if request.htmx:
        return render(request, "search/_compare_toggle_response.html", {
            "service": service or _Gone(pk), "compare_error": error,
        })
    if error:
        messages.error(request, error)
    return redirect(_back(request, reverse("search:compare")))


class _Gone:
    """Stands in for a deleted service when its toggle is redrawn."""

    def __init__(self, pk: int):
        self.pk = pk
        self.title = ""


@require_POST
def compare_clear(request):
    cmp.compare_clear(request.session)
    if request.htmx:
        return render(request, "search/_compare_bar.html", {"oob": False})
    return redirect(_back(request, reverse("search")))


@never_cache
def compare_page(request):
    """The services side by side, with fresh prices; unavailable ones are dropped with a notice."""
    ids = cmp.compare_ids(request.session)
    services = services_for_compare(ids)
    dropped = cmp.compare_keep_only(request.session, [s.pk for s in services])
    notices = []
    if dropped:
        notices.append(_("%(n)s service(s) in your list are no longer offered and were removed.")
                       % {"n": format_number(dropped)})
    return render(request, "search/compare.html", {
        "services": services, "rows": compare_rows(services), "notices": notices,
    })


def compare_rows(services) -> list[dict]:
    """The table's rows: each a label and one cell per service, the best value(s) marked."""
    if not services:
        return []
    mean = rating_mean()
    tiers = [("basic", _("Basic")), ("standard", _("Standard")), ("premium", _("Premium"))]
    rows = []

    def row(label, values, shown, best=None, group=None):
        present = [v for v in values if v is not None]
        target = None
        if best and len(present) > 1 and len(set(present)) > 1:  # a tie everywhere marks nothing
            target = min(present) if best == "min" else max(present)
        cells = [{"text": s, "best": target is not None and v == target} for v, s in zip(values, shown, strict=True)]
        rows.append({"label": label, "cells": cells, "group": group})

    for tier, tier_label in tiers:
        packages = [next((p for p in s.package_list if p.tier == tier), None) for s in services]
        if not any(packages):
            continue
        row(_("Price"), [p.price if p else None for p in packages],
            [format_toman(p.price) if p else "—" for p in packages], "min", group=tier_label)
        row(_("Delivery"), [p.delivery_days if p else None for p in packages],
            [_days(p.delivery_days) if p else "—" for p in packages], "min", group=tier_label)
        row(_("Revisions"), [(99 if p.revisions is None else p.revisions) if p else None for p in packages],
            [(_("Unlimited") if p.revisions is None else format_number(p.revisions)) if p else "—"
             for p in packages], "max", group=tier_label)

    scores = [
        (float(s.rating_avg) * s.rating_count + selectors.BAYES_C * mean) / (selectors.BAYES_C + s.rating_count)
        if s.rating_count else None
        for s in services
    ]
    row(_("Rating"), scores, [
        _("%(avg)s from %(n)s reviews") % {"avg": _decimal(s.rating_avg), "n": format_number(s.rating_count)}
        if s.rating_count else _("No reviews yet") for s in services], "max")
    stats = [getattr(s.owner, "search_stats", None) for s in services]
    response = [st.response_seconds if st and st.response_seconds is not None else None for st in stats]
    row(_("Response time"), response, [format_duration(v) if v is not None else _("Not measured yet") for v in response],
        "min")
    on_time = [st.on_time_rate if st and st.on_time_rate is not None else None for st in stats]
    row(_("Delivered on time"), on_time,
        [f"{format_number(round(v))}٪" if v is not None else _("Not measured yet") for v in on_time], "max")
    row(_("Completed orders"), [s.completed_orders for s in services],
        [format_number(s.completed_orders) for s in services], "max")
    profiles = [getattr(s.owner, "expert_profile", None) for s in services]
    row(_("Expert level"), [LEVEL_RANK.get(p.level, 0) if p else None for p in profiles],
        [p.get_level_display() if p else "—" for p in profiles], "max")
    verified = [rep.is_verified(s.owner) for s in services]
    row(rep.VERIFIED_ROW, verified, [rep.VERIFIED_YES if v else rep.VERIFIED_NO for v in verified], "max")
    return rows


def _decimal(value) -> str:
    return to_persian_digits(f"{value:.1f}").replace(".", "٫")


def _days(days: int) -> str:
    return _("%s days") % format_number(days)


def ceiling(request):
    """A constant response through the whole middleware stack: the benchmark's ceiling."""
    return HttpResponse(b"ok", content_type="text/plain")


def floor(request):
    """The site's page shell with nothing in it (base.html): the floor of every rendered page."""
    return render(request, "base.html")
