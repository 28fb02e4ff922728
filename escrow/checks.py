"""The invariants of DESIGN.md §3, checked against the database (used by `check_ledger` and tests).

Each check returns a list of `Problem`s; an empty list means the invariant holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils.module_loading import import_string

from .models import Account, Leg, Payment, Transfer

CLOSED_ORDER_STATUSES = ("completed", "cancelled", "resolved")


@dataclass(frozen=True)
class Problem:
    invariant: str  # a stable English name
    fa: str  # the same in Persian, for staff
    detail: str


def unbalanced_transfers() -> list[Problem]:
    """Every transfer's legs sum to zero, and every transfer has at least two legs."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.id, t.idempotency_key, COALESCE(SUM(l.amount), 0), COUNT(l.id)
            FROM escrow_transfer t LEFT JOIN escrow_leg l ON l.transfer_id = t.id
            GROUP BY t.id HAVING COALESCE(SUM(l.amount), 0) <> 0 OR COUNT(l.id) < 2
            ORDER BY t.id
            """
        )
        rows = cursor.fetchall()
    return [
        Problem("every transfer sums to zero", "جمع هر تراکنش صفر است",
                f"transfer {tid} ({key}): legs sum to {total}, {count} leg(s)")
        for tid, key, total, count in rows
    ]


def negative_balances() -> list[Problem]:
    """No account but the outside world is below zero (user wallets, escrow, revenue, clearing)."""
    rows = (
        Account.objects.exclude(kind__in=Account.MAY_BE_NEGATIVE)
        .annotate(total=Sum("legs__amount"))
        .filter(total__lt=0)
        .order_by("pk")
    )
    return [
        Problem("no balance is negative", "هیچ موجودی منفی نیست", f"account {a.pk} ({a}): {a.total}")
        for a in rows
    ]


def total_not_zero() -> list[Problem]:
    """The sum of all balances is zero."""
    total = Leg.objects.aggregate(total=Sum("amount"))["total"] or 0
    if total == 0:
        return []
    return [Problem("the sum of all balances is zero", "جمع همه موجودی‌ها صفر است", f"sum is {total}")]


def closed_order_refs() -> Iterable[int] | None:
    """Ids of orders that are completed, cancelled or resolved, or None if nobody can tell yet.

    `settings.ESCROW_CLOSED_ORDERS` may name a callable returning them; otherwise, once the
    orders app has an `Order` model with a `status` field, it is asked directly.
    """
    hook = getattr(settings, "ESCROW_CLOSED_ORDERS", "")
    if hook:
        func: Callable[[], Iterable[int]] = import_string(hook) if isinstance(hook, str) else hook
        return func()
    try:
        from orders.models import Order  # type: ignore[attr-defined]
    except ImportError:
        return None
    if not any(f.name == "status" for f in Order._meta.get_fields()):
        return None
    return Order.objects.filter(status__in=CLOSED_ORDER_STATUSES).values_list("pk", flat=True)


def closed_orders_with_escrow() -> list[Problem] | None:
    """An order's escrow is zero once it is completed, cancelled or resolved (None: not checkable)."""
    refs = closed_order_refs()
    if refs is None:
        return None
    refs = list(refs)
    rows = (
        Account.objects.filter(kind=Account.Kind.ORDER_ESCROW, order_ref__in=refs)
        .annotate(total=Sum("legs__amount"))
        .exclude(total=0)
        .exclude(total__isnull=True)
        .order_by("order_ref")
    )
    return [
        Problem("a closed order's escrow is zero", "امانت سفارش بسته‌شده صفر است",
                f"order {a.order_ref}: escrow holds {a.total}")
        for a in rows
    ]


def paid_payments_without_transfer() -> list[Problem]:
    """Every paid payment has its ledger transfer, and every payment transfer a paid payment."""
    problems = []
    keys = set(Transfer.objects.filter(kind=Transfer.Kind.PAYMENT).values_list("idempotency_key", flat=True))
    for payment in Payment.objects.filter(status=Payment.Status.PAID).only("pk", "gateway", "authority"):
        if payment.ledger_key not in keys:
            problems.append(Problem("every paid payment is in the ledger", "هر پرداخت موفق در دفتر ثبت است",
                                    f"payment {payment.pk} ({payment.ledger_key}) has no transfer"))
        keys.discard(payment.ledger_key)
    for key in sorted(keys):
        problems.append(Problem("every paid payment is in the ledger", "هر پرداخت موفق در دفتر ثبت است",
                                f"transfer {key} has no paid payment"))
    return problems


CHECKS: list[tuple[str, Callable[[], list[Problem] | None]]] = [
    ("every transfer sums to zero", unbalanced_transfers),
    ("no balance is negative", negative_balances),
    ("the sum of all balances is zero", total_not_zero),
    ("a closed order's escrow is zero", closed_orders_with_escrow),
    ("every paid payment is in the ledger", paid_payments_without_transfer),
]


def run_checks() -> dict[str, list[Problem] | None]:
    """Every check by name: a list of problems, or None when the check could not run."""
    return {name: check() for name, check in CHECKS}
