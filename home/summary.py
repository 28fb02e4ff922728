"""The expert dashboard's order and review figures, kept per expert in the cache.

Counting an expert's orders by state (and the level's 60-day rates) means a pass over all of their
orders: 5,000 rows for a busy expert, on every dashboard view. Those figures are computed once and
kept under the expert's *version*, a Redis counter raised when one of the expert's orders or reviews
is saved or deleted and again when that transaction commits (`post_save`/`post_delete`: every status
move goes through `Order.save()`, every review published or hidden through `Review.save()`). An entry is used
only while its version is the current one and only until the next instant at which time alone
would change a figure (an order falling due, a 30- or 60-day window passing its oldest row), so
what the dashboard shows is always what the rows say; `manage.py check_dashboard` compares every
kept entry with the rows.

Reads: one cache round trip (`get_many` of the version and the entry). A miss costs two aggregate
queries, the same as before.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

DUE_SOON_DAYS = 2
RECENT_DAYS = 30
# However quiet, an entry is recomputed at least this often (a version raise lost with a crashed
# process heals by itself).
MAX_AGE = 3600

logger = logging.getLogger(__name__)


def _version_key(expert_id: int) -> str:
    return f"home:dash:v:{expert_id}"


def _entry_key(expert_id: int) -> str:
    return f"home:dash:e:{expert_id}"


def _fresh_version() -> int:
    # After an eviction the counter restarts from the clock, never from a number an old entry holds.
    return time.time_ns()


def bump(expert_id: int) -> None:
    """Raise the expert's version. Never fails the order or review write that calls it: with the cache
    unreachable the kept entry is unreachable too, and MAX_AGE bounds what a lost raise could leave."""
    key = _version_key(expert_id)
    try:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, _fresh_version(), None)
    except Exception:  # noqa: BLE001 - the cache is down; the write goes on
        logger.warning("dashboard version of expert %s not raised", expert_id, exc_info=True)


def bump_now_and_at_commit(expert_id: int | None) -> None:
    """Raise the version at once (the writing transaction's own later reads see fresh figures) and
    again when it commits (a reader that computed from the old rows in between keeps nothing)."""
    if expert_id:
        bump(expert_id)
        transaction.on_commit(lambda: bump(expert_id))


# --- the figures, from the rows ----------------------------------------------------------------


def compute(expert_id: int, now: dt.datetime | None = None) -> dict:
    """The expert's order and review figures from the rows, with the instant they stop being true."""
    from orders.models import Order
    from reviews.models import Review

    now = now or timezone.now()
    soon = now + dt.timedelta(days=DUE_SOON_DAYS)
    since = now - dt.timedelta(days=settings.LEVEL_PERIOD_DAYS)
    working = Q(status__in=Order.WORKING)
    recent = Q(created_at__gte=now - dt.timedelta(days=RECENT_DAYS)) & ~Q(status=Order.Status.PENDING_PAYMENT)
    # The same definitions as reviews.metrics._order_counts over the level period.
    completed = Q(status=Order.Status.COMPLETED, completed_at__gte=since)
    cancelled = Q(status=Order.Status.CANCELLED, paid_at__isnull=False, cancelled_at__gte=since)
    on_time = completed & Q(delivered_at__isnull=False, due_at__isnull=False,
                            delivered_at__lte=F("due_at"))
    row = Order.objects.filter(expert_id=expert_id).aggregate(
        **{f"s_{value}": Count("pk", filter=Q(status=value)) for value, _label in Order.Status.choices},
        due=Count("pk", filter=working & Q(due_at__lte=soon)),
        late=Count("pk", filter=working & Q(due_at__lt=now)),
        recent=Count("pk", filter=recent),
        completed=Count("pk", filter=completed),
        cancelled=Count("pk", filter=cancelled),
        on_time=Count("pk", filter=on_time),
        # When time alone changes a figure: an order enters "due soon" or "late", a row leaves a window.
        next_soon=Min("due_at", filter=working & Q(due_at__gt=soon)),
        next_late=Min("due_at", filter=working & Q(due_at__gte=now)),
        oldest_recent=Min("created_at", filter=recent),
        oldest_completed=Min("completed_at", filter=completed),
        oldest_cancelled=Min("cancelled_at", filter=cancelled),
    )
    reviews = Review.objects.filter(
        subject_id=expert_id, side=Review.Side.BUYER, published_at__gte=since, hidden_at__isnull=True,
    ).aggregate(n=Count("pk"), total=Sum("rating"), oldest=Min("published_at"))
    period = dt.timedelta(days=settings.LEVEL_PERIOD_DAYS)
    edges = [now + dt.timedelta(seconds=MAX_AGE)]
    if row["next_soon"]:
        edges.append(row["next_soon"] - dt.timedelta(days=DUE_SOON_DAYS))
    if row["next_late"]:
        edges.append(row["next_late"])
    if row["oldest_recent"]:
        edges.append(row["oldest_recent"] + dt.timedelta(days=RECENT_DAYS))
    for oldest in (row["oldest_completed"], row["oldest_cancelled"], reviews["oldest"]):
        if oldest:
            edges.append(oldest + period)
    return {
        "by_status": {value: row[f"s_{value}"] for value, _label in Order.Status.choices},
        "due": row["due"], "late": row["late"], "recent": row["recent"],
        "period_completed": row["completed"], "period_cancelled": row["cancelled"],
        "period_on_time": row["on_time"],
        "period_reviews": reviews["n"], "period_rating_total": int(reviews["total"] or 0),
        "until": min(edges).timestamp(),
    }


FIGURES = ("by_status", "due", "late", "recent", "period_completed", "period_cancelled", "period_on_time",
           "period_reviews", "period_rating_total")


def version(expert_id: int) -> int:
    """The expert's current version (started from the clock when there is none)."""
    key = _version_key(expert_id)
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh_version(), None)
        value = cache.get(key)
    return value


def figures(expert_id: int) -> dict:
    """The kept figures when they are still true, else computed from the rows and kept."""
    return figures_with(expert_id)[0]


def figures_with(expert_id: int, also=()) -> tuple[dict, dict]:
    """`figures`, and the cache values of the keys `also` read in the same round trip."""
    vkey, ekey = _version_key(expert_id), _entry_key(expert_id)
    got = cache.get_many([vkey, ekey, *also])
    current, entry = got.pop(vkey, None), got.pop(ekey, None)
    now = time.time()
    if current is not None and entry is not None and entry["version"] == current and now < entry["until"]:
        return entry, got
    # The version is read before the rows: a commit after this point raises it, so what is computed
    # below is never kept under a version newer than the rows it saw.
    if current is None:
        current = version(expert_id)
    entry = {**compute(expert_id), "version": current}
    cache.set(ekey, entry, max(1, int(entry["until"] - now)))
    return entry, got


def stale_entries(expert_ids=None) -> list[tuple[int, str, object, object]]:
    """Compare each kept, still current entry with the rows: [(expert_id, figure, kept, rows)]."""
    from accounts.models import ExpertProfile

    ids = list(expert_ids) if expert_ids is not None else list(
        ExpertProfile.objects.values_list("user_id", flat=True))
    wrong = []
    for expert_id in ids:
        got = cache.get_many([_version_key(expert_id), _entry_key(expert_id)])
        entry = got.get(_entry_key(expert_id))
        if entry is None or entry["version"] != got.get(_version_key(expert_id)) or time.time() >= entry["until"]:
            continue  # not in use: the next view computes it from the rows
        rows = compute(expert_id)
        wrong += [(expert_id, name, entry[name], rows[name]) for name in FIGURES if entry[name] != rows[name]]
    return wrong


# --- what raises an expert's version ---------------------------------------------------------


def _order_changed(sender, instance, **kwargs):
    bump_now_and_at_commit(instance.expert_id)


def _review_changed(sender, instance, **kwargs):
    bump_now_and_at_commit(instance.subject_id)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from orders.models import Order
    from reviews.models import Review

    for signal in (post_save, post_delete):
        signal.connect(_order_changed, sender=Order, dispatch_uid="home-dash-order")
        signal.connect(_review_changed, sender=Review, dispatch_uid="home-dash-review")
