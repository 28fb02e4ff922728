"""Bench scenario for the expert dashboard: one expert with 5,000 orders (statuses spread over the
last year, completed ones paid out through balanced ledger transfers), measured signed in.

Hooked into bench/run.py: `prepare()` after the data, `queries()` beside the other pages' query
counts, `pages()` and `cookies()` for wrk.
"""

from __future__ import annotations

import datetime as dt
import random

from bench.signed_in import signed_in_queries

ORDERS = 5000
_COOKIES: dict[str, str] = {}


def _expert():
    from accounts.models import ExpertProfile

    return ExpertProfile.objects.select_related("user").order_by("pk").first().user


def prepare(orders: int = ORDERS) -> None:
    """Give the first expert `orders` orders (once) and a signed-in session cookie."""
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from escrow import ledger
    from escrow.models import Account
    from orders.models import Order
    from services.models import Service

    expert = _expert()
    have = Order.objects.filter(expert=expert).count()
    if have < orders:
        service = Service.objects.filter(owner=expert, status="published").first()
        buyers = list(User.objects.exclude(pk=expert.pk).order_by("pk")[:50])
        statuses = [s for s, _ in Order.Status.choices]
        weights = [2, 2, 8, 4, 2, 70, 10, 2]
        now = timezone.now()
        rng = random.Random(15)  # noqa: S311 - bench data, not secrets
        rows = []
        for i in range(orders - have):
            status = rng.choices(statuses, weights)[0]
            created = now - dt.timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 1440))
            price = rng.choice([500_000, 1_200_000, 2_500_000, 8_000_000])
            order = Order(
                buyer=buyers[i % len(buyers)], expert=expert, service=service, title=service.title,
                package_tier="basic", package_title="پایه", package_description="—", price=price, buyer_fee=0,
                total=price, delivery_days=3, status=status, paid_at=created, created_at=created,
                due_at=created + dt.timedelta(days=3),
                completed_at=created + dt.timedelta(days=2) if status == "completed" else None,
            )
            rows.append(order)
        with transaction.atomic():
            Order.objects.bulk_create(rows, batch_size=1000)
            pending = ledger.user_account(expert, Account.Kind.USER_PENDING)
            outside = ledger.outside_account()
            from django.db import connection

            # The ledger is append-only: transfers are inserted with their dates, never updated.
            with connection.cursor() as cursor:
                cursor.execute("UPDATE orders_order SET created_at = paid_at WHERE expert_id = %s", [expert.pk])
                cursor.execute(
                    "INSERT INTO escrow_transfer (kind, idempotency_key, description, order_ref, created_at) "
                    "SELECT 'release', 'bench-home-release-' || o.id, 'bench', o.id, o.completed_at "
                    "FROM orders_order o WHERE o.expert_id = %s AND o.status = 'completed' AND NOT EXISTS ("
                    "  SELECT 1 FROM escrow_transfer t WHERE t.idempotency_key = 'bench-home-release-' || o.id)",
                    [expert.pk])
                completed = cursor.rowcount
                for account, sign in ((pending, 1), (outside, -1)):
                    cursor.execute(
                        "INSERT INTO escrow_leg (transfer_id, account_id, amount) "
                        "SELECT t.id, %s, %s * (o.price * 9 / 10) FROM escrow_transfer t "
                        "JOIN orders_order o ON o.id = t.order_ref "
                        "WHERE t.idempotency_key LIKE 'bench-home-release-%%' AND NOT EXISTS ("
                        "  SELECT 1 FROM escrow_leg l WHERE l.transfer_id = t.id AND l.account_id = %s)",
                        [account.pk, sign, account.pk])
                cursor.execute("ANALYZE orders_order")
                cursor.execute("ANALYZE escrow_leg")
                cursor.execute("ANALYZE escrow_transfer")
        print(f"[bench] dashboard expert {expert.pk}: {orders - have} orders, {completed} releases", flush=True)
    client = Client()
    client.force_login(expert)
    _COOKIES["dashboard"] = f"sessionid={client.cookies['sessionid'].value}"


def queries() -> dict[str, int]:
    return signed_in_queries(_expert(), pages())


def pages() -> dict[str, str]:
    return {"dashboard": "/dashboard/"}


def cookies() -> dict[str, str]:
    return dict(_COOKIES)
