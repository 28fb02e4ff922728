"""The public requests board («درخواست‌های خریداران»): one shared HTML per board state, the expert's own
marks put in per visit.

What the board shows depends only on the expert's categories, the URL (filters, search, page), the
language, the minute (the cards say "3 minutes ago", and requests past their expiry drop off) and
two numbers PostgreSQL raises at commit: the board version (`BoardVersion`: any request published,
approved, hidden, edited, closed, expired, or given an offer) and the catalogue version (category
names and tree). Experts with the same categories therefore share the rendered board under a key
made of all of these; a change makes the old key unreachable the moment it commits.

The shared HTML is rendered without the request (no user, no session, no CSRF token can get into
it). What belongs to one expert is put in on every visit:
- "You sent an offer" under the requests they bid on: each card carries a marker
  `<!--az-offered:REQUEST_ID-->`, replaced after one query for the page's ids (`fill_offered`);
- their own open requests are never on their board: an expert who has any gets a board of their own
  (the key names them), the others share one.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from azmoodegan.compiled import marked_ids
from azmoodegan.paging import Page
from azmoodegan.persian import format_number, toman_to_rials
from services.models import Category, Service

from . import selectors
from .forms import BoardFilterForm
from .models import BuyerRequest, Offer

PER_PAGE = 20
SUMMARY_CHARS = 180  # of the description on a card
BOARD_TTL = 120  # seconds; the key changes every minute anyway
PARAMS = ("q", "category", "budget", "no_offers", "page")  # BoardFilterForm's fields and the page
OFFERED = re.compile(r"<!--az-offered:(\d+)-->")

_STATE_SQL = (
    "SELECT (SELECT version FROM azmoodegan_catalogue_version WHERE id = 1),"
    " (SELECT version FROM buyer_requests_board_version WHERE id = 1),"
    " EXISTS (SELECT 1 FROM buyer_requests_buyerrequest WHERE buyer_id = %(user)s AND kind = %(public)s"
    " AND status = %(open)s AND moderation = %(approved)s),"
    # actions.expert_category_ids, in the same round trip (a test keeps the two equal)
    " ARRAY(SELECT s.category_id FROM services_service s WHERE s.owner_id = %(user)s AND s.status = %(published)s"
    " UNION SELECT c.parent_id FROM services_service s JOIN services_category c ON c.id = s.category_id"
    " WHERE s.owner_id = %(user)s AND s.status = %(published)s AND c.parent_id IS NOT NULL)"
)


class BoardState(NamedTuple):
    catalogue_version: int
    board_version: int
    has_own_open: bool  # the visitor has an open, shown public request (kept off their board)
    category_ids: frozenset[int]  # the categories the visitor may answer requests in


def board_state(user) -> BoardState:
    """Everything the board's cache key needs about now and about the visitor, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL, {"user": user.pk, "public": BuyerRequest.Kind.PUBLIC,
                                    "open": BuyerRequest.Status.OPEN, "approved": BuyerRequest.Moderation.APPROVED,
                                    "published": Service.Status.PUBLISHED})
        catalogue, board, own, categories = cursor.fetchone()
    return BoardState(catalogue or 0, board or 0, bool(own), frozenset(categories))


def board_params(request) -> QueryDict:
    """The parameters the board reads, in a fixed order: the board is drawn from these alone, so other
    parameters (tracking tags, typos) neither make a new cache entry nor end up in the shared links."""
    params = QueryDict(mutable=True)
    for name in PARAMS:
        values = request.GET.getlist(name)[:1]
        if values:
            params.setlist(name, values)
    return params


def board_key(request, state: BoardState, params: QueryDict) -> str:
    cats = hashlib.sha256(",".join(map(str, sorted(state.category_ids))).encode()).hexdigest()[:16]
    path = hashlib.sha256(params.urlencode().encode()).hexdigest()[:32]
    viewer = request.user.pk if state.has_own_open else 0
    minute = int(time.time() // 60)
    return (f"board:{state.board_version}:{state.catalogue_version}:{get_language()}:{minute}:{cats}:{viewer}:"
            f"{path}")


def board_html(request, state: BoardState) -> str:
    """The board's content for this expert: shared HTML from the cache (or rendered and kept), with
    their own marks put in."""
    params = board_params(request)
    key = board_key(request, state, params)
    html = cache.get(key)
    if html is None:
        html = render_board(params, state.category_ids, viewer=request.user if state.has_own_open else None)
        cache.set(key, html, BOARD_TTL)
    return fill_offered(html, request.user)


def render_board(params, category_ids, *, viewer=None) -> str:
    """The filters and one page of the board, with an `az-offered` marker on each card. Nothing of the
    visitor goes in: `viewer` only removes their own requests (their board is then keyed to them)."""
    categories = list(Category.objects.filter(pk__in=category_ids).order_by("position", "name")
                      .only("id", "name", "parent_id"))
    form = BoardFilterForm(params or None, categories=categories)
    filters, shown_ids = {}, set(category_ids)
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {"budget_min": toman_to_rials(d["budget"]) if d.get("budget") else None,
                   "no_offers": bool(d.get("no_offers")), "q": d.get("q") or ""}
        chosen = d.get("category")
        if chosen is not None:  # the category and its subcategories, among the expert's
            shown_ids = {c.pk for c in categories if chosen in (c.pk, c.parent_id)}
    page = Page.of(selectors.board(category_ids=shown_ids, viewer=viewer, **filters), params.get("page"),
                          PER_PAGE)
    names = {c.pk: c.name for c in categories}
    for r in page.object_list:  # the card's words, here rather than in 20 rounds of template tags
        r.category_name = names.get(r.category_id, "")
        r.summary = r.description if len(r.description) <= SUMMARY_CHARS else r.description[:SUMMARY_CHARS - 1] + "…"
        r.offers_label = ngettext("%(num)s offer", "%(num)s offers", r.offer_count) % {
            "num": format_number(r.offer_count)}
    query = params.copy()
    query.pop("page", None)
    return render_to_string("buyer_requests/_board.html", {"form": form, "page": page, "query": query.urlencode()})


def fill_offered(html: str, user) -> str:
    """Put "You sent an offer" under the requests of the page this expert bid on (one query), and take
    the other markers out."""
    ids = OFFERED.findall(html)
    if not ids:
        return html
    mine = {str(pk) for pk in marked_ids(Offer, "request_id", "expert_id", user.pk, ids, where="status <> %s",
                                         params=(Offer.Status.WITHDRAWN,))}
    sent = format_html(' · <span class="text-success" data-testid="board-offered">{}</span>', _("You sent an offer"))
    return OFFERED.sub(lambda m: sent if m.group(1) in mine else "", html)
