"""Response time and rate, measured from real conversations.

For every conversation whose buyer wrote first within the window (90 days), the expert's first reply
after it is the response: the median delay over those conversations and the share answered within
24 hours are kept in `ResponseStats` and the median in `search.ExpertStats.response_seconds`
(which the fast-reply filter, cards and compare read). One SQL statement computes every expert.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from azmoodegan.persian import to_persian_digits

WINDOW_DAYS = 90
DAY = 24 * 3600
# Unanswered conversations younger than this are not counted yet (they may still be answered in time).
GRACE = dt.timedelta(hours=24)

_SQL = """
SELECT c.expert_id,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM (c.expert_first_reply_at - c.buyer_first_at))
       ) FILTER (WHERE c.expert_first_reply_at IS NOT NULL) AS median_seconds,
       count(*) FILTER (
           WHERE c.expert_first_reply_at IS NOT NULL AND c.expert_first_reply_at - c.buyer_first_at <= interval '24 hours'
       ) AS within_day,
       count(*) AS total
FROM messaging_conversation c
WHERE c.buyer_first_at >= %(since)s
  AND (c.expert_first_reply_at IS NOT NULL OR c.buyer_first_at <= %(settled)s)
  {expert_filter}
GROUP BY c.expert_id
"""


def compute(expert_ids=None, *, now=None) -> int:
    """Recompute the statistics (of `expert_ids`, or everyone); returns how many experts were written."""
    from search.models import ExpertStats

    from .models import ResponseStats

    now = now or timezone.now()
    params = {"since": now - dt.timedelta(days=WINDOW_DAYS), "settled": now - GRACE}
    expert_filter = ""
    if expert_ids is not None:
        expert_filter = "AND c.expert_id = ANY(%(ids)s)"
        params["ids"] = list(expert_ids)
    with connection.cursor() as cur:
        cur.execute(_SQL.format(expert_filter=expert_filter), params)
        rows = cur.fetchall()
    measured = {}
    for expert_id, median, within, total in rows:
        rate = Decimal(within * 100) / Decimal(total) if total else None
        measured[expert_id] = (int(median) if median is not None else None,
                               rate.quantize(Decimal("0.01")) if rate is not None else None, total)
    with transaction.atomic():
        # Experts measured before but with nothing in the window any more lose their figures.
        stale = ResponseStats.objects.exclude(expert_id__in=measured.keys())
        if expert_ids is not None:
            stale = stale.filter(expert_id__in=expert_ids)
        stale_ids = list(stale.values_list("expert_id", flat=True))
        stale.delete()
        ExpertStats.objects.filter(expert_id__in=stale_ids).update(response_seconds=None)
        ResponseStats.objects.bulk_create(
            [ResponseStats(expert_id=e, median_seconds=m, answered_within_day=r, conversations=t)
             for e, (m, r, t) in measured.items()],
            update_conflicts=True, unique_fields=["expert"],
            update_fields=["median_seconds", "answered_within_day", "conversations", "computed_at"],
            batch_size=1000,
        )
        ExpertStats.objects.bulk_create(
            [ExpertStats(expert_id=e, response_seconds=m) for e, (m, _r, _t) in measured.items()],
            update_conflicts=True, unique_fields=["expert"], update_fields=["response_seconds", "updated_at"],
            batch_size=1000,
        )
    return len(measured)


def response_phrase(seconds) -> str:
    """«معمولاً کمتر از ۲ ساعت پاسخ می‌دهد» — a rounded-up, human figure for a median in seconds."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds <= 3600:
        return _("Usually replies within an hour")
    if seconds < DAY:
        hours = -(-seconds // 3600)
        return ngettext("Usually replies in less than %(n)s hour", "Usually replies in less than %(n)s hours",
                        hours) % {"n": to_persian_digits(hours)}
    days = -(-seconds // DAY)
    return ngettext("Usually replies in less than %(n)s day", "Usually replies in less than %(n)s days",
                    days) % {"n": to_persian_digits(days)}
