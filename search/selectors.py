"""Reads for search, category pages and compare.

Every results page costs a constant number of queries: the count (cached briefly), the page of
services with their expert and category (one join), and their cover images (one prefetch).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, F, FloatField, Prefetch, QuerySet, Sum
from django.db.models.expressions import RawSQL

from accounts.models import ExpertProfile
from services.models import Category, GalleryImage, Package, Service
from services.selectors import with_card_data

from .models import ExpertStats
from .query import ParsedQuery, match_pattern

PAGE_SIZE = 24
# Bayesian average: C "virtual" reviews at the site-wide mean m pull thinly reviewed services
# towards the mean, so one 5★ review does not outrank three hundred 4.9★ reviews.
BAYES_C = 10
DEFAULT_MEAN = 4.0
# ts_rank_cd weights for {D, C, B, A}: a title word counts five times a description word.
RANK_SQL = (
    "(CASE WHEN services_service.search_vector @@ to_tsquery('simple', %s) THEN 1 ELSE 0 END"
    " + ts_rank_cd('{0.05, 0.2, 0.4, 1.0}', services_service.search_vector, to_tsquery('simple', %s)))"
)
FAST_REPLY_SECONDS = 24 * 3600

CATEGORY_TREE_KEY = "search:category-tree:v1"
CATEGORY_TREE_TTL = 600
MEAN_KEY = "search:rating-mean:v1"
MEAN_TTL = 600
COUNT_TTL = 600  # keyed by the catalogue version: never stale, only evicted
COUNT_CAP = 1000

SORTS = ("relevance", "price_asc", "price_desc", "rating", "delivery", "newest")
LEVEL_RANK = {
    ExpertProfile.Level.NEW: 0, ExpertProfile.Level.LEVEL_1: 1,
    ExpertProfile.Level.LEVEL_2: 2, ExpertProfile.Level.TOP_RATED: 3,
}


# --- Categories (cached: they change rarely, and a signal clears the cache) ----------------------


@dataclass(frozen=True)
class CategoryNode:
    pk: int
    name: str
    slug: str
    parent_id: int | None
    children: tuple[int, ...] = ()


def category_tree(version: int | None = None) -> dict[str, CategoryNode]:
    """All categories by slug, with each top category's children ids; cached in Redis.

    With the catalogue version (search pages have it), the cache key carries it, so the tree is
    never older than the last public commit; without it, a signal clears the entry on every change.
    """
    key = f"{CATEGORY_TREE_KEY}:{version}" if version is not None else CATEGORY_TREE_KEY
    tree = cache.get(key)
    if tree is None:
        rows = list(Category.objects.order_by("position", "name").values_list("pk", "name", "slug", "parent_id"))
        children: dict[int, list[int]] = {}
        for pk, _name, _slug, parent_id in rows:
            if parent_id is not None:
                children.setdefault(parent_id, []).append(pk)
        tree = {
            slug: CategoryNode(pk, name, slug, parent_id, tuple(children.get(pk, ())))
            for pk, name, slug, parent_id in rows
        }
        cache.set(key, tree, CATEGORY_TREE_TTL)
    return tree


def category_choices(version: int | None = None) -> list[tuple[str, str]]:
    """(slug, label) pairs for the category filter: each top category followed by its children."""
    tree = category_tree(version)
    by_pk = {node.pk: node for node in tree.values()}
    out = []
    for node in tree.values():
        if node.parent_id is None:
            out.append((node.slug, node.name))
            out.extend((by_pk[c].slug, f"— {by_pk[c].name}") for c in node.children if c in by_pk)
    return out


def category_ids(node: CategoryNode) -> list[int]:
    """A top category stands for itself and all its sub-categories."""
    return [node.pk, *node.children]


def popular_categories(version: int, limit: int = 6) -> list[CategoryNode]:
    """The top categories with the most published services (for the empty state), per catalogue version."""
    key = f"search:popular-categories:{version}:{limit}"
    slugs = cache.get(key)
    tree = category_tree(version)
    if slugs is None:
        by_pk = {node.pk: node for node in tree.values()}
        counts: dict[str, int] = {}
        rows = (Service.objects.filter(status=Service.Status.PUBLISHED).values_list("category_id")
                .annotate(n=Count("pk")).order_by())
        for category_id, n in rows:
            node = by_pk.get(category_id)
            if node is None:
                continue
            top = by_pk.get(node.parent_id) if node.parent_id else node
            if top is not None:
                counts[top.slug] = counts.get(top.slug, 0) + n
        slugs = sorted(counts, key=lambda slug: (-counts[slug], slug))[:limit]
        cache.set(key, slugs, MEAN_TTL)
    return [tree[slug] for slug in slugs if slug in tree]


# --- Rating -------------------------------------------------------------------------------------


def rating_mean(version: int | None = None) -> float:
    """The site-wide mean rating (weighted by review count), the m of the Bayesian average.

    Keyed by the catalogue version when given (search), so a ranking never mixes catalogues."""
    key = f"{MEAN_KEY}:{version}" if version is not None else MEAN_KEY
    mean = cache.get(key)
    if mean is None:
        totals = Service.objects.filter(status=Service.Status.PUBLISHED, rating_count__gt=0).aggregate(
            points=Sum(F("rating_avg") * F("rating_count"), output_field=FloatField()), reviews=Sum("rating_count"),
        )
        mean = totals["points"] / totals["reviews"] if totals["reviews"] else DEFAULT_MEAN
        cache.set(key, mean, MEAN_TTL)
    return mean


def bayes_expression(mean: float) -> RawSQL:
    return RawSQL(
        "((%s * %s + services_service.rating_avg * services_service.rating_count)"
        " / (%s + services_service.rating_count))::float8",
        (BAYES_C, mean, BAYES_C),
        output_field=FloatField(),
    )


# --- Search --------------------------------------------------------------------------------------


@dataclass
class Filters:
    query: ParsedQuery
    category: CategoryNode | None = None
    min_price_rials: int | None = None
    max_price_rials: int | None = None
    max_days: int | None = None
    min_rating: Decimal | None = None
    fast_reply: bool = False
    sort: str = "relevance"
    extra: dict = field(default_factory=dict)
    # The catalogue version the results are read at: every cached id list and count is keyed by it,
    # so a commit that changes the public catalogue makes them unreachable at once.
    version: int = 0
    # "all": every word must match; "any": the fallback, ranked by how many words matched.
    mode: str = "all"

    def cache_key(self) -> str:
        raw = repr((
            self.version, self.mode, self.query.tsquery, self.category.pk if self.category else None,
            self.min_price_rials, self.max_price_rials, self.max_days, str(self.min_rating), self.fast_reply,
            sorted(self.extra.items()),
        ))
        return "search:count:" + hashlib.sha256(raw.encode()).hexdigest()[:32]

    @property
    def match_tsquery(self) -> str | None:
        return self.query.any_tsquery if self.mode == "any" else self.query.tsquery


def search_queryset(filters: Filters) -> QuerySet[Service]:
    """Published services matching `filters`, ordered by `filters.sort` (no joins: see search_page)."""
    qs = Service.objects.filter(status=Service.Status.PUBLISHED)
    tsquery = filters.match_tsquery
    if tsquery:
        qs = qs.filter(
            RawSQL("services_service.search_vector @@ to_tsquery('simple', %s)", (tsquery,), output_field=BooleanField())
        )
    if filters.category is not None:
        qs = qs.filter(category_id__in=category_ids(filters.category))
    if filters.min_price_rials is not None:
        qs = qs.filter(min_price__gte=filters.min_price_rials)
    if filters.max_price_rials is not None:
        qs = qs.filter(min_price__lte=filters.max_price_rials)
    if filters.max_days is not None:
        qs = qs.filter(min_delivery_days__lte=filters.max_days)
    if filters.min_rating is not None:
        qs = qs.filter(rating_avg__gte=filters.min_rating)
    if filters.fast_reply:
        fast = ExpertStats.objects.filter(response_seconds__lte=FAST_REPLY_SECONDS).values("expert_id")
        qs = qs.filter(owner_id__in=fast)
    if filters.extra:  # reputation: expert level and "verified" (reviews app)
        from reviews.search_filters import apply as reputation_filters

        qs = reputation_filters(qs, filters.extra)

    sort = filters.sort
    if sort == "relevance" and not tsquery:
        sort = "rating"
    if sort == "relevance":
        # Services with every word in the title first, then cover-density rank, then rating; in the
        # any-word fallback, first by how many of the words a service has.
        order = ["-rank", "-bayes", "-pk"]
        qs = qs.annotate(
            # RANK_SQL is a constant; the two tsqueries are bound parameters.
            rank=RawSQL(RANK_SQL, (filters.query.title_tsquery, tsquery), output_field=FloatField()),  # noqa: S611
            bayes=bayes_expression(rating_mean(filters.version)),
        )
        if filters.mode == "any":
            groups = filters.query.group_tsqueries
            matched_sql = " + ".join(
                ["(services_service.search_vector @@ to_tsquery('simple', %s))::int"] * len(groups)
            )
            qs = qs.annotate(matched=RawSQL(matched_sql, tuple(groups), output_field=FloatField()))  # noqa: S611
            order.insert(0, "-matched")
        qs = qs.order_by(*order)
    elif sort == "price_asc":
        qs = qs.order_by(F("min_price").asc(nulls_last=True), "pk")
    elif sort == "price_desc":
        qs = qs.order_by(F("min_price").desc(nulls_last=True), "-pk")
    elif sort == "rating":
        qs = qs.annotate(bayes=bayes_expression(rating_mean(filters.version))).order_by(
            "-bayes", "-rating_count", "-pk")
    elif sort == "delivery":
        qs = qs.order_by(F("min_delivery_days").asc(nulls_last=True), "pk")
    else:  # newest
        qs = qs.order_by(F("published_at").desc(nulls_last=True), "-pk")
    return qs


class CachedCountPaginator(Paginator):
    """A paginator whose total is capped and cached per set of filters and catalogue version.

    Counting stops at COUNT_CAP + 1 (a page says «بیش از ۱۰۰۰ خدمت»): an exact count over a huge
    match set is the costliest query of a broad search and nobody pages that far. The cache key
    carries the catalogue version, so the count is never older than the last public commit.
    """

    def __init__(self, object_list, per_page, *, count_key: str, **kwargs):
        self._count_key = count_key
        super().__init__(object_list, per_page, **kwargs)

    @property
    def count(self) -> int:
        if "_cached_count" not in self.__dict__:
            value = cache.get(self._count_key)
            if value is None:
                value = self.object_list.order_by()[: COUNT_CAP + 1].count()
                cache.set(self._count_key, value, COUNT_TTL)
            self.__dict__["_cached_count"] = value
        return self.__dict__["_cached_count"]

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _ids_key(filters: Filters, number: int) -> str:
    return f"{filters.cache_key()}:{filters.sort}:{number}".replace("search:count:", "search:ids:")


def _page(filters: Filters, page_number):
    ids = search_queryset(filters).values_list("pk", flat=True)
    count_key = filters.cache_key()
    paginator = CachedCountPaginator(ids, PAGE_SIZE, count_key=count_key)
    try:
        requested = int(page_number or 1)
    except (TypeError, ValueError):
        requested = 1
    if requested <= 1 and cache.get(count_key) is None:
        # The first page first: when it is not full, it is the whole result and the count is free.
        first = list(ids[:PAGE_SIZE])
        cache.set(_ids_key(filters, 1), first, COUNT_TTL)
        if len(first) < PAGE_SIZE:
            cache.set(count_key, len(first), COUNT_TTL)
            paginator.__dict__["_cached_count"] = len(first)
    return paginator.get_page(requested), requested


def search_page(filters: Filters, page_number) -> tuple:
    """(page, requested_beyond_end) for the filters; services on the page carry highlights.

    When no service has every word, `filters.mode` becomes "any" and the page holds the services
    with some of the words, most words first (the view says so).
    """
    # Two steps: order and cut the narrow service rows alone (an index or a top-N sort), then
    # join the 24 winners to their expert, category and cover. Joining first made PostgreSQL
    # carry 100,000 wide rows through the sort.
    page, requested = _page(filters, page_number)
    if page.paginator.count == 0 and len(filters.query.word_groups) > 1:
        filters.mode = "any"
        page, requested = _page(filters, page_number)
    paginator = page.paginator
    # The ordered ids of a page are cached like the count (same key: filters and catalogue version):
    # repeated and shared searches (the same link, the back button, htmx re-requests) skip the ranking.
    ids_key = _ids_key(filters, page.number)
    page_ids = cache.get(ids_key)
    if page_ids is None:
        page_ids = list(page.object_list)
        cache.set(ids_key, page_ids, COUNT_TTL)
    cards = Service.objects.filter(pk__in=page_ids, status=Service.Status.PUBLISHED)
    found = {s.pk: s for s in with_card_data(cards)} if page_ids else {}
    services = [found[pk] for pk in page_ids if pk in found]
    pattern = match_pattern(filters.query.tokens)
    if pattern is not None:
        from .query import highlight, snippet

        for service in services:
            # Display-only instances, never saved: the card prints the title, now with <mark>s.
            service.plain_title = service.title
            service.title = highlight(service.title, pattern)
            service.search_snippet = snippet(service.description, pattern)
    page.object_list = services
    return page, requested > paginator.num_pages


# --- Compare -------------------------------------------------------------------------------------


def services_for_compare(ids: list[int]) -> list[Service]:
    """The published services among `ids`, in that order, with everything the compare table shows.

    Never cached: prices must be the ones the expert set a moment ago.
    """
    if not ids:
        return []
    covers = GalleryImage.objects.filter(is_cover=True).only("pk", "service_id", "image", "card", "is_cover")
    qs = (
        Service.objects.filter(pk__in=ids, status=Service.Status.PUBLISHED)
        .select_related("owner", "owner__expert_profile", "owner__search_stats", "category")
        .prefetch_related(
            Prefetch("images", queryset=covers, to_attr="covers"),
            Prefetch("packages", queryset=Package.objects.order_by("price"), to_attr="package_list"),
        )
    )
    found = {s.pk: s for s in qs}
    return [found[i] for i in ids if i in found]
