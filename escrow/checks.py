"""The ledger's invariants (DESIGN.md §3), checked against the database by `check_ledger` and tests.

A check is a function returning a list of `Problem`s (empty: the invariant holds), registered under a
stable English name with `register(name, func)` from its app's `AppConfig.ready()`. Escrow registers
its own checks (below); an app above it adds the invariants only it can state (the orders app:
"a closed order's escrow is zero", in `orders/checks.py`), so escrow never imports those apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Sum

from .models import Account, Leg, Payment, Transfer


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


Check = Callable[[], list[Problem]]

_registry: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add (or replace) the check called `name`; call from `AppConfig.ready()`."""
    _registry[name] = check


def registered() -> dict[str, Check]:
    """Every registered check by name, in registration order."""
    return dict(_registry)


def run_checks() -> dict[str, list[Problem]]:
    """Every registered check by name, with the problems it found (an empty list: it holds)."""
    return {name: check() for name, check in _registry.items()}


def register_escrow_checks() -> None:
    """The invariants the ledger states on its own (called from `EscrowConfig.ready()`)."""
    register("every transfer sums to zero", unbalanced_transfers)
    register("no balance is negative", negative_balances)
    register("the sum of all balances is zero", total_not_zero)
    register("every paid payment is in the ledger", paid_payments_without_transfer)
