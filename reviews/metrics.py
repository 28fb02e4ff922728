"""Expert metrics and levels, all from real rows.

- rating and review count: the exact totals of published, visible buyer reviews (`ExpertRating`);
- completed orders, on-time delivery rate (final delivery no later than the due date),
  completion rate (completed ÷ (completed + cancelled after payment)) and orders in queue: orders;
- response time and rate: measured by messaging into `search.ExpertStats` (read here, never written);
- member since and last seen: the account.

Levels (new, level 1, level 2, top rated) follow `settings.EXPERT_LEVELS`: days since joining and
completed orders ever, and the rating and rates over the last `LEVEL_PERIOD_DAYS` days. A response
rate that messaging does not measure yet does not hold anyone back (the rule applies once it exists).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ExpertProfile, User
from orders.models import Order

from .models import ExpertRating, Review

Level = ExpertProfile.Level
LEVEL_ORDER = [Level.NEW, Level.LEVEL_1, Level.LEVEL_2, Level.TOP_RATED]
QUEUE_STATUSES = (Order.Status.AWAITING_REQUIREMENTS, Order.Status.IN_PROGRESS, Order.Status.DELIVERED,
                  Order.Status.REVISION_REQUESTED)

RULE_LABELS = {
    "days_active": _("Days since joining"),
    "completed_orders": _("Completed orders"),
    "rating": _("Rating in the last 60 days"),
    "response_rate": _("Response rate"),
    "on_time_rate": _("On-time delivery"),
    "completion_rate": _("Completion rate"),
}


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _order_counts(expert_ids, since: dt.datetime | None = None) -> dict[int, dict]:
    """completed, cancelled (after payment), on_time and queue counts per expert, in one query."""
    completed = Q(status=Order.Status.COMPLETED)
    cancelled = Q(status=Order.Status.CANCELLED, paid_at__isnull=False)
    if since is not None:
        completed &= Q(completed_at__gte=since)
        cancelled &= Q(cancelled_at__gte=since)
    rows = (
        Order.objects.filter(expert_id__in=list(expert_ids)).values("expert_id").order_by()
        .annotate(
            completed=Count("pk", filter=completed),
            cancelled=Count("pk", filter=cancelled),
            on_time=Count("pk", filter=completed & Q(delivered_at__isnull=False, due_at__isnull=False,
                                                     delivered_at__lte=F("due_at"))),
            queue=Count("pk", filter=Q(status__in=QUEUE_STATUSES)),
        )
    )
    return {row["expert_id"]: row for row in rows}


@dataclass
class ExpertMetrics:
    expert_id: int
    rating: float = 0.0
    reviews: int = 0
    completed_orders: int = 0
    on_time_rate: float | None = None
    completion_rate: float | None = None
    response_seconds: int | None = None
    response_rate: float | None = None
    member_since: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    in_queue: int = 0
    level: str = Level.NEW
    verified: bool = False
    profile: ExpertProfile | None = field(default=None, repr=False)

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    @property
    def response_hours(self) -> int | None:
        if self.response_seconds is None:
            return None
        return max(1, round(self.response_seconds / 3600))


def is_verified(user) -> bool:
    """Mobile verified by a texted code and identity checked by staff against the ID card (home app)."""
    trust = getattr(user, "home_profile", None) if user is not None else None
    return bool(trust and trust.mobile_verified and trust.identity_verified)


def metrics_for(expert_ids) -> dict[int, ExpertMetrics]:
    """Metrics of several experts in two queries."""
    ids = [int(i) for i in expert_ids if i]
    if not ids:
        return {}
    users = User.objects.filter(pk__in=ids).select_related(
        "expert_profile", "rating_totals", "search_stats", "response_stats", "home_profile"
    )
    counts = _order_counts(ids)
    out = {}
    for user in users:
        profile = getattr(user, "expert_profile", None)
        totals = getattr(user, "rating_totals", None)
        stats = getattr(user, "search_stats", None)
        row = counts.get(user.pk, {})
        completed, cancelled = row.get("completed", 0), row.get("cancelled", 0)
        rate = getattr(getattr(user, "response_stats", None), "answered_within_day", None)
        out[user.pk] = ExpertMetrics(
            expert_id=user.pk,
            rating=totals.average if totals else 0.0,
            reviews=totals.count if totals else 0,
            completed_orders=completed,
            on_time_rate=_pct(row.get("on_time", 0), completed),
            completion_rate=_pct(completed, completed + cancelled),
            response_seconds=getattr(stats, "response_seconds", None),
            response_rate=float(rate) if rate is not None else None,
            member_since=user.date_joined,
            last_seen=user.last_login,
            in_queue=row.get("queue", 0),
            level=profile.level if profile else Level.NEW,
            verified=is_verified(user),
            profile=profile,
        )
    return out


def metrics_of(expert_id: int) -> ExpertMetrics | None:
    return metrics_for([expert_id]).get(int(expert_id))


def refresh_expert_stats(expert_id: int) -> None:
    """Write the measured on-time rate into search's `ExpertStats` (its filter and compare read it)."""
    from search.models import ExpertStats

    row = _order_counts([expert_id]).get(expert_id)
    if not row or not row["completed"]:
        return
    rate = Decimal(100 * row["on_time"] / row["completed"]).quantize(Decimal("0.01"))
    with transaction.atomic():
        updated = ExpertStats.objects.filter(expert_id=expert_id).update(on_time_rate=rate)
        if not updated:
            ExpertStats.objects.bulk_create([ExpertStats(expert_id=expert_id, on_time_rate=rate)],
                                            ignore_conflicts=True)


# --- levels ----------------------------------------------------------------------------------------


@dataclass
class Rule:
    name: str
    required: float
    current: float | None
    met: bool

    @property
    def label(self) -> str:
        return RULE_LABELS[self.name]

    @property
    def percent(self) -> bool:
        return self.name.endswith("_rate")


@dataclass
class Standing:
    expert_id: int
    level: str
    next_level: str | None
    rules: list[Rule]  # the next level's rules, with what is missing

    @property
    def missing(self) -> list[Rule]:
        return [r for r in self.rules if not r.met]

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    @property
    def next_label(self) -> str:
        return Level(self.next_level).label if self.next_level else ""


def _period_values(ids: list[int], now: dt.datetime) -> dict[int, dict]:
    since = now - dt.timedelta(days=settings.LEVEL_PERIOD_DAYS)
    users = User.objects.filter(pk__in=ids).select_related("search_stats").only(
        "pk", "date_joined", "search_stats__response_seconds")
    lifetime = _order_counts(ids)
    recent = _order_counts(ids, since=since)
    ratings = {
        row["subject_id"]: row for row in
        Review.objects.filter(subject_id__in=ids, side=Review.Side.BUYER, published_at__gte=since,
                              hidden_at__isnull=True)
        .values("subject_id").order_by().annotate(n=Count("pk"), total=Sum("rating"))
    }
    out = {}
    for user in users:
        rate = getattr(getattr(user, "response_stats", None), "answered_within_day", None)
        r = recent.get(user.pk, {})
        completed, cancelled = r.get("completed", 0), r.get("cancelled", 0)
        rating_row = ratings.get(user.pk)
        out[user.pk] = {
            "days_active": (now - user.date_joined).days,
            "completed_orders": lifetime.get(user.pk, {}).get("completed", 0),
            "rating": round(rating_row["total"] / rating_row["n"], 2) if rating_row else None,
            "response_rate": float(rate) if rate is not None else None,
            "on_time_rate": _pct(r.get("on_time", 0), completed),
            "completion_rate": _pct(completed, completed + cancelled),
        }
    return out


def _rules(values: dict, level: str) -> list[Rule]:
    rules = []
    for name, required in settings.EXPERT_LEVELS[level].items():
        current = values.get(name)
        if name == "response_rate" and current is None:
            continue  # not measured yet: does not hold anyone back
        rules.append(Rule(name=name, required=required, current=current,
                          met=current is not None and current >= required))
    return rules


def _level_for(values: dict) -> str:
    level = Level.NEW
    for candidate in LEVEL_ORDER[1:]:
        if all(rule.met for rule in _rules(values, candidate)):
            level = candidate
        else:
            break
    return level


def standing(expert_id: int, *, now: dt.datetime | None = None) -> Standing:
    """The expert's level today and the rules of the next one, for their dashboard."""
    now = now or timezone.now()
    values = _period_values([expert_id], now).get(expert_id, {})
    profile = ExpertProfile.objects.filter(user_id=expert_id).only("level").first()
    return standing_from(expert_id, profile.level if profile else Level.NEW, values)


def standing_from(expert_id: int, level: str, values: dict) -> Standing:
    """The standing for a level and the period values (the keys of `_period_values`)."""
    index = LEVEL_ORDER.index(Level(level))
    next_level = LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None
    return Standing(expert_id=expert_id, level=level, next_level=next_level,
                    rules=_rules(values, next_level) if next_level else [])


def recompute_levels(expert_ids, *, now: dt.datetime | None = None) -> dict[int, str]:
    """Compute and store the level of each expert; returns {expert_id: level}."""
    now = now or timezone.now()
    ids = list(expert_ids)
    values = _period_values(ids, now)
    levels = {pk: _level_for(v) for pk, v in values.items()}
    with transaction.atomic():
        for level in LEVEL_ORDER:
            chosen = [pk for pk, lv in levels.items() if lv == level]
            if chosen:
                ExpertProfile.objects.filter(user_id__in=chosen).exclude(level=level).update(level=level)
        ExpertRating.objects.bulk_create([ExpertRating(expert_id=pk) for pk in ids], ignore_conflicts=True)
        ExpertRating.objects.filter(expert_id__in=ids).update(level_computed_at=now)
    return levels


def recompute_all_levels(*, now: dt.datetime | None = None, batch: int = 1000) -> dict[str, int]:
    """Every expert's level, in batches; returns how many experts hold each level."""
    summary = {level: 0 for level in LEVEL_ORDER}
    ids = list(ExpertProfile.objects.order_by("user_id").values_list("user_id", flat=True))
    for start in range(0, len(ids), batch):
        for level in recompute_levels(ids[start:start + batch], now=now).values():
            summary[level] += 1
    return {str(k): v for k, v in summary.items()}
