"""Reads for the expert's dashboard, the staff dashboard and the home page, each in a fixed
number of aggregate queries whatever the number of orders."""

from __future__ import annotations

import datetime as dt
import functools

import jdatetime
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from azmoodegan.persian import to_persian_digits

TRUST_TTL = 300


JALALI_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")


def months_back(n: int = 12):
    return list(_months_back(timezone.localdate(), timezone.get_current_timezone(), n))


@functools.lru_cache(maxsize=16)
def _months_back(today: dt.date, tz, n: int) -> tuple:
    """The last `n` Jalali months as (start, end, name), oldest first (the same all day: kept per process)."""
    today = jdatetime.date.fromgregorian(date=today)
    year, month = today.year, today.month
    out = []
    for _ in range(n):
        start = jdatetime.date(year, month, 1).togregorian()
        ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
        end = jdatetime.date(ny, nm, 1).togregorian()
        out.append((dt.datetime.combine(start, dt.time(), tz), dt.datetime.combine(end, dt.time(), tz),
                    JALALI_MONTHS[month - 1]))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return tuple(reversed(out))


def _earnings_sums(user_id: int, spans) -> list[int]:
    from escrow.models import Account, Leg, Transfer

    aggregates = {
        f"m{i}": Sum("amount", filter=Q(transfer__created_at__gte=start, transfer__created_at__lt=end), default=0)
        for i, (start, end, _label) in enumerate(spans)
    }
    sums = Leg.objects.filter(
        account__owner_id=user_id, account__kind=Account.Kind.USER_PENDING, amount__gt=0,
        transfer__kind__in=[Transfer.Kind.RELEASE, Transfer.Kind.SPLIT],
        transfer__created_at__gte=spans[0][0], transfer__created_at__lt=spans[-1][1],
    ).aggregate(**aggregates)
    return [int(sums[f"m{i}"] or 0) for i in range(len(spans))]


def _earnings_key(user_id: int, spans) -> str:
    return f"home:earnings:{user_id}:{len(spans)}:{spans[-1][0].date().isoformat()}"


def monthly_earnings(user_id: int, months: int = 12, *, this_month: int | None = None, spans=None,
                     past: list[int] | None = None) -> list[dict]:
    """What reached the expert's balance per Jalali month (releases and dispute shares, after
    commission), from the ledger. The ledger is append-only and dated by the database, so past
    months never change: they are cached until the month turns; this month is read live (one query,
    or `this_month` when the caller read it already; `past` when the caller read the cache)."""
    spans = spans or months_back(months)
    key = _earnings_key(user_id, spans)
    if past is None:
        past = cache.get(key)
    if past is None:
        past = _earnings_sums(user_id, spans[:-1])
        cache.set(key, past, 2 * 86400)
    if this_month is None:
        this_month = _earnings_sums(user_id, spans[-1:])[0]
    amounts = [*past, this_month]
    return [{"label": label, "amount": amount, "start": start}
            for amount, (start, _end, label) in zip(amounts, spans, strict=True)]


def bar_chart(points: list[dict], *, value="amount", width=640, height=180, fmt=None) -> dict:
    """Geometry of a server-rendered SVG bar chart (the template draws it)."""
    top = max((p[value] for p in points), default=0) or 1
    n = max(len(points), 1)
    slot = width / n
    bar = slot * 0.64
    chart_h = height - 28
    bars = []
    for i, p in enumerate(points):
        h = round(chart_h * p[value] / top, 1)
        # Right to left: the newest month sits at the left end in an RTL page reading order.
        x = round(width - (i + 1) * slot + (slot - bar) / 2, 1)
        bars.append({**p, "x": x, "y": round(chart_h - h, 1), "w": round(bar, 1), "h": h,
                     "cx": round(x + bar / 2, 1), "text": fmt(p[value]) if fmt else to_persian_digits(p[value])})
    return {"bars": bars, "width": width, "height": height, "base": chart_h, "top": top}


# Everything on the dashboard that is not counted over the expert's orders: small indexed reads,
# in one statement (services and their ratings, saves, last 30 days' traffic, this month's earnings
# from the ledger, measured response and on-time figures).
_LIVE_SQL = """
SELECT s.n, s.reviews, s.rating_sum, s.rated,
  (SELECT count(*) FROM home_savedservice v JOIN services_service x ON x.id = v.service_id
     WHERE x.owner_id = %(user)s) AS saves,
  (SELECT coalesce(sum(d.views), 0) FROM home_serviceday d WHERE d.owner_id = %(user)s AND d.day >= %(since)s),
  (SELECT coalesce(sum(d.order_clicks), 0) FROM home_serviceday d WHERE d.owner_id = %(user)s AND d.day >= %(since)s),
  (SELECT coalesce(sum(l.amount), 0) FROM escrow_leg l
     JOIN escrow_account a ON a.id = l.account_id JOIN escrow_transfer t ON t.id = l.transfer_id
     WHERE a.owner_id = %(user)s AND a.kind = %(pending)s AND l.amount > 0 AND t.kind IN (%(release)s, %(split)s)
       AND t.created_at >= %(start)s AND t.created_at < %(end)s) AS this_month,
  (SELECT e.response_seconds FROM search_expertstats e WHERE e.expert_id = %(user)s),
  (SELECT e.on_time_rate FROM search_expertstats e WHERE e.expert_id = %(user)s),
  (SELECT r.answered_within_day FROM messaging_responsestats r WHERE r.expert_id = %(user)s)
FROM (SELECT count(*) AS n, coalesce(sum(rating_count), 0) AS reviews,
             coalesce(sum(rating_avg) FILTER (WHERE rating_count > 0), 0) AS rating_sum,
             count(*) FILTER (WHERE rating_count > 0) AS rated
      FROM services_service WHERE owner_id = %(user)s AND revision_of_id IS NULL AND status <> %(deleted)s) s
"""


def _live_figures(user_id: int, since: dt.date, month: tuple) -> dict:
    from escrow.models import Account, Transfer
    from services.models import Service

    with connection.cursor() as cursor:
        cursor.execute(_LIVE_SQL, {
            "user": user_id, "since": since, "start": month[0], "end": month[1],
            "pending": Account.Kind.USER_PENDING.value, "release": Transfer.Kind.RELEASE.value,
            "split": Transfer.Kind.SPLIT.value, "deleted": Service.Status.DELETED.value,
        })
        (n, reviews, rating_sum, rated, saves, views, clicks, this_month, response_seconds, on_time_rate,
         answered) = cursor.fetchone()
    return {"services": {"n": n, "reviews": int(reviews), "rating_sum": rating_sum, "rated": rated},
            "saves": saves, "views": int(views), "clicks": int(clicks), "this_month": int(this_month),
            "stats": {"response_seconds": response_seconds, "on_time_rate": on_time_rate},
            "answered_within_day": answered}


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def expert_dashboard(user, also=()) -> dict:
    """The dashboard's figures: the counts over the expert's orders and reviews from `home.summary`
    (kept per expert, raised at every commit that moves one), the rest read live in one statement.
    The cache values of the keys `also` are read in the same round trip, under "also"."""
    from accounts.models import ExpertProfile
    from orders.models import Order
    from reviews.metrics import standing_from

    from . import summary

    spans = months_back(12)
    kept, cached = summary.figures_with(user.pk, also=[_earnings_key(user.pk, spans), *also])
    since = timezone.localdate() - dt.timedelta(days=summary.RECENT_DAYS)
    live = _live_figures(user.pk, since, spans[-1][:2])
    earnings = monthly_earnings(user.pk, this_month=live["this_month"], spans=spans,
                                past=cached.get(_earnings_key(user.pk, spans)))
    views, clicks, orders_30 = live["views"], live["clicks"], kept["recent"]
    services = live["services"]
    rating = (services["rating_sum"] / services["rated"]) if services["rated"] else None
    done, cancelled = kept["period_completed"], kept["period_cancelled"]
    answered = live["answered_within_day"]
    # The same values as reviews.metrics._period_values (a test keeps them equal).
    values = {
        "days_active": (timezone.now() - user.date_joined).days,
        "completed_orders": kept["by_status"].get(Order.Status.COMPLETED, 0),
        "rating": (round(kept["period_rating_total"] / kept["period_reviews"], 2)
                   if kept["period_reviews"] else None),
        "response_rate": float(answered) if answered is not None else None,
        "on_time_rate": _pct(kept["period_on_time"], done),
        "completion_rate": _pct(done, done + cancelled),
    }
    profile = getattr(user, "expert_profile", None)
    return {
        "by_status": [(value, label, kept["by_status"].get(value, 0)) for value, label in Order.Status.choices],
        "due_soon": kept["due"], "late": kept["late"],
        "earnings": earnings, "this_month": live["this_month"], "year_total": sum(e["amount"] for e in earnings),
        "chart": bar_chart(earnings),
        "views": views, "clicks": clicks, "orders_30": orders_30,
        "click_rate": round(100 * clicks / views, 1) if views else None,
        "conversion": round(100 * orders_30 / views, 1) if views else None,
        "saves": live["saves"], "services": services, "rating": rating, "stats": live["stats"],
        "standing": standing_from(user.pk, profile.level if profile else ExpertProfile.Level.NEW, values),
        "also": {key: cached[key] for key in also if key in cached},
    }


def staff_dashboard(days: int = 30) -> dict:
    from escrow import ledger
    from escrow.models import Leg, Payout
    from orders.models import Dispute, Order

    today = timezone.localdate()
    since = timezone.now() - dt.timedelta(days=days)
    per_day = dict(Order.objects.filter(paid_at__gte=since).annotate(d=TruncDate("paid_at"))
                   .values_list("d").annotate(n=Count("id")).order_by())
    gmv_day = dict(Order.objects.filter(paid_at__gte=since).annotate(d=TruncDate("paid_at"))
                   .values_list("d").annotate(s=Sum("total")).order_by())
    revenue = ledger.revenue_account()
    commission_day = dict(Leg.objects.filter(account=revenue, transfer__created_at__gte=since)
                          .annotate(d=TruncDate("transfer__created_at")).values_list("d")
                          .annotate(s=Sum("amount")).order_by())
    open_disputes = Dispute.objects.filter(outcome="").count()
    disputes_day = dict(Dispute.objects.filter(created_at__gte=since).annotate(d=TruncDate("created_at"))
                        .values_list("d").annotate(n=Count("id")).order_by())
    payouts_day = dict(Payout.objects.filter(created_at__gte=since).annotate(d=TruncDate("created_at"))
                       .values_list("d").annotate(s=Sum("amount")).order_by())
    payouts = Payout.objects.filter(status=Payout.Status.REQUESTED).aggregate(n=Count("id"), s=Sum("amount", default=0))
    days_list = [today - dt.timedelta(days=i) for i in range(days - 1, -1, -1)]

    def series(data):
        return [{"label": to_persian_digits(f"{jdatetime.date.fromgregorian(date=d).day}"),
                 "amount": int(data.get(d) or 0)} for d in days_list]

    return {
        "orders_chart": bar_chart(series(per_day)), "gmv_chart": bar_chart(series(gmv_day)),
        "commission_chart": bar_chart(series(commission_day)),
        "disputes_chart": bar_chart(series(disputes_day)), "payouts_chart": bar_chart(series(payouts_day)),
        "orders_total": sum(per_day.values()), "gmv_total": sum(int(v or 0) for v in gmv_day.values()),
        "commission_total": sum(int(v or 0) for v in commission_day.values()),
        "open_disputes": open_disputes, "payouts_pending": payouts["n"], "payouts_amount": payouts["s"],
        "days": days,
    }


def trust_figures() -> dict:
    """Completed orders, money held in escrow right now, and experts: one query, cached."""
    key = "home:trust-figures"
    figures = cache.get(key)
    if figures is None:
        with connection.cursor() as cursor:
            cursor.execute("""
                SELECT
                  (SELECT count(*) FROM orders_order WHERE status = 'completed'),
                  (SELECT coalesce(sum(l.amount), 0) FROM escrow_leg l JOIN escrow_account a ON a.id = l.account_id
                     WHERE a.kind = 'order_escrow'),
                  (SELECT count(*) FROM accounts_expertprofile p JOIN accounts_user u ON u.id = p.user_id
                     WHERE u.is_active)
            """)
            completed, held, experts = cursor.fetchone()
        figures = {"completed": completed, "held": int(held), "experts": experts}
        cache.set(key, figures, TRUST_TTL)
    return figures



HOME_TTL = 300


def home_services(limit: int = 8) -> list:
    """Staff's featured services first (in their order), then the newest: two small queries (+ covers),
    each on an index (the featured rows, then `service_status_pub`), never a sort of the catalogue."""
    from services.models import Service
    from services.selectors import with_card_data

    published = Service.objects.filter(status=Service.Status.PUBLISHED)
    featured = list(with_card_data(published.filter(featured__isnull=False).order_by("featured__position", "pk"))
                    [:limit])
    if len(featured) < limit:
        newest = (published.exclude(pk__in=[s.pk for s in featured]).order_by("-published_at", "-pk"))
        featured += list(with_card_data(newest)[: limit - len(featured)])
    return featured


def home_categories(limit: int = 6) -> list[dict]:
    """Top categories with their number of published services (theirs and their children's), cached."""
    key = "home:categories"
    rows = cache.get(key)
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute("""
                SELECT c.id, c.name, c.slug, c.icon, count(s.id) AS n
                FROM services_category c
                LEFT JOIN services_category sub ON sub.parent_id = c.id OR sub.id = c.id
                LEFT JOIN services_service s ON s.category_id = sub.id AND s.status = 'published'
                WHERE c.parent_id IS NULL
                GROUP BY c.id ORDER BY n DESC, c.position, c.name LIMIT %s
            """, [limit])
            rows = [{"id": r[0], "name": r[1], "slug": r[2], "icon": r[3], "n": r[4]} for r in cursor.fetchall()]
        cache.set(key, rows, HOME_TTL)
    return rows


def home_experts(limit: int = 4) -> list[dict]:
    """Experts ranked by their services' real reviews (count, then weighted average), cached."""
    from django.db.models import ExpressionWrapper, F, FloatField

    from accounts.models import ExpertProfile
    from home.templatetags.home_tags import avatar_url

    key = "home:experts"
    rows = cache.get(key)
    if rows is None:
        weighted = ExpressionWrapper(F("user__services__rating_avg") * F("user__services__rating_count"),
                                     output_field=FloatField())
        published = Q(user__services__status="published")
        profiles = (ExpertProfile.objects.filter(user__is_active=True)
                    .annotate(reviews=Sum("user__services__rating_count", filter=published),
                              stars=Sum(weighted, filter=published),
                              done=Sum("user__services__completed_orders", filter=published))
                    .filter(reviews__gt=0).select_related("user__home_profile")
                    .order_by("-reviews", "-stars", "-done", "pk")[:limit])
        rows = [{"name": p.display_name, "headline": p.headline, "user_id": p.user_id,
                 "url": p.get_absolute_url(), "photo": avatar_url(user=p.user, profile=p),
                 "reviews": p.reviews, "rating": round(p.stars / p.reviews, 1), "level": p.get_level_display()}
                for p in profiles]
        cache.set(key, rows, HOME_TTL)
    return rows


def home_page() -> dict:
    return {"services": home_services(), "categories": home_categories(), "experts": home_experts(),
            "trust": trust_figures()}


def warm_home_caches() -> None:
    home_categories()
    home_experts()
    trust_figures()
