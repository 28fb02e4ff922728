# ruff: noqa: S311 - demo data; randomness is for variety, not security
"""Demo measurements for `manage.py seed_demo` (run right after services.demo).

Gives the demo catalogue's experts an `ExpertStats` row (median first-response time and share of
orders delivered on time), so the "answers within a day" filter and the response-time and on-time
rows of the compare page have something to show. The values are invented but plausible: about
three experts in four answer within a day, the rest in one to four days; most deliver on time.
Each expert's values come from a random generator seeded with their id, so every run (and every
machine) produces the same numbers.

These are placeholders: once messaging (first-response times) and orders (on-time deliveries)
measure experts for real, they write these rows with real values. This seeder never overwrites an
existing row (`ignore_conflicts`), so running it again — or after real measurements exist — is
harmless. It is bounded: at most `MAX_EXPERTS` rows, so `--services 100000` stays fast.
"""

from __future__ import annotations

import random
from decimal import Decimal

from services.models import Service

from .models import ExpertStats

MAX_EXPERTS = 5000
HOUR = 3600


def stats_for(expert_id: int) -> ExpertStats:
    """The invented, deterministic measurements of one expert."""
    rng = random.Random(f"search-demo:{expert_id}")
    if rng.random() < 0.75:
        # Within a day, most within a few hours: ten minutes to twenty hours, skewed short.
        seconds = int(600 * (120 ** rng.random()))
    else:
        seconds = rng.randint(26 * HOUR, 4 * 24 * HOUR)
    if rng.random() < 0.85:
        on_time = rng.uniform(88, 100)
    else:
        on_time = rng.uniform(60, 88)
    del seconds  # response times are measured from real conversations by messaging (messaging.demo, stats)
    return ExpertStats(expert_id=expert_id, response_seconds=None, on_time_rate=Decimal(f"{on_time:.2f}"))


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
        stdout.write(f"Expert statistics: {len(rows)} new (demo values until messaging and orders measure them).")
    return len(rows)
