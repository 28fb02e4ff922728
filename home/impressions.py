"""Service page views and clicks to order, counted in Redis (no database write per view).

Each view does one HINCRBY on a per-day hash; the beat task `flush_service_counters` renames the
hash (atomically, so no count is lost between reading and clearing) and adds the counts to
`ServiceDay` rows with one upsert.
"""

from __future__ import annotations

import datetime as dt
import functools

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

_client = None

UPSERT = {
    "views": "INSERT INTO home_serviceday (service_id, owner_id, day, views, order_clicks) VALUES (%s, %s, %s, %s, 0) "
             "ON CONFLICT (service_id, day) DO UPDATE SET views = home_serviceday.views + EXCLUDED.views",
    "order_clicks": "INSERT INTO home_serviceday (service_id, owner_id, day, views, order_clicks) "
                    "VALUES (%s, %s, %s, 0, %s) ON CONFLICT (service_id, day) "
                    "DO UPDATE SET order_clicks = home_serviceday.order_clicks + EXCLUDED.order_clicks",
}


def client() -> redis.Redis:
    global _client
    if _client is None or getattr(_client, "_az_url", None) != settings.REDIS_URL:
        _client = redis.Redis.from_url(settings.REDIS_URL)
        _client._az_url = settings.REDIS_URL
    return _client


def _prefix() -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:svcstats"


def _hash(kind: str, day: dt.date) -> str:
    return f"{_prefix()}:{kind}:{day.isoformat()}"


def record(kind: str, service_id: int) -> None:
    try:
        client().hincrby(_hash(kind, timezone.localdate()), str(service_id), 1)
    except redis.RedisError:
        pass  # a lost count never breaks a page


def record_view(service_id: int) -> None:
    record("views", service_id)


def record_order_click(service_id: int) -> None:
    record("clicks", service_id)


def counted_view(view):
    """Count a service page view before the page cache answers (cached pages are views too)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "GET" and not getattr(request, "htmx", False) and "pk" in kwargs:
            record_view(int(kwargs["pk"]))
        return view(request, *args, **kwargs)

    return wrapper


def flush() -> int:
    """Move every counter hash into ServiceDay; return the number of (service, day) rows touched."""
    from services.models import Service

    r = client()
    touched = 0
    for kind, column in (("views", "views"), ("clicks", "order_clicks")):
        for raw in list(r.scan_iter(f"{_prefix()}:{kind}:*")):
            key = raw.decode()
            day = dt.date.fromisoformat(key.rsplit(":", 1)[1])
            moving = f"{key}:flushing:{timezone.now().timestamp()}"
            try:
                r.rename(key, moving)
            except redis.ResponseError:
                continue  # gone meanwhile
            counts = {int(k): int(v) for k, v in r.hgetall(moving).items()}
            owners = dict(Service.objects.filter(pk__in=counts).values_list("pk", "owner_id"))
            rows = [(sid, owners[sid], day, n) for sid, n in counts.items() if sid in owners]
            if rows:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(
                        UPSERT[column],
                        rows,
                    )
            r.delete(moving)
            touched += len(rows)
    return touched


def pending_counts(service_ids) -> dict[int, int]:
    """Views not yet flushed today (so the dashboard shows them at once)."""
    values = client().hmget(_hash("views", timezone.localdate()), [str(s) for s in service_ids]) if service_ids else []
    return {sid: int(v or 0) for sid, v in zip(service_ids, values, strict=False)}
