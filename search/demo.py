"""Search's part of `manage.py seed_demo` (run right after services.demo).

Gives each expert of the demo catalogue an empty `ExpertStats` row (nothing invented: the
response time is measured from real conversations by messaging, the on-time rate from real orders
by reviews, when their demo seeds run) and builds the "did you mean" vocabulary. It never
overwrites an existing row and is bounded (`MAX_EXPERTS`), so `--services 100000` stays fast.
"""

from __future__ import annotations

from services.models import Service

from .models import ExpertStats

MAX_EXPERTS = 5000


def stats_for(expert_id: int) -> ExpertStats:
    """An expert's statistics row before anything is measured."""
    return ExpertStats(expert_id=expert_id, response_seconds=None, on_time_rate=None)


def seed(stdout=None, **options) -> int:
    """Create the missing `ExpertStats` rows of experts with published services; returns how many."""
    expert_ids = list(
        Service.objects.filter(status=Service.Status.PUBLISHED)
        .order_by("owner_id").values_list("owner_id", flat=True).distinct()[:MAX_EXPERTS]
    )
    have = set(ExpertStats.objects.filter(expert_id__in=expert_ids).values_list("expert_id", flat=True))
    rows = [stats_for(pk) for pk in expert_ids if pk not in have]
    ExpertStats.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if stdout is not None:
        stdout.write(f"Expert statistics: {len(rows)} new rows, measured by the messaging and reviews seeds.")
    from .indexing import rebuild_vocabulary

    words = rebuild_vocabulary()
    if stdout is not None:
        stdout.write(f"Search vocabulary: {words} words.")
    return len(rows)
