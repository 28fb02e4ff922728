"""The double-entry core: find accounts, post transfers, read balances.

Business operations (`escrow.actions`) are built from these. Nobody else writes `Transfer` or `Leg`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Sum

from .exceptions import EscrowError, IdempotencyConflict, InsufficientFunds
from .models import Account, Leg, Transfer

Kind = Account.Kind


# --- Accounts ------------------------------------------------------------------------------------


def _get_or_create(kind: str, **ref) -> Account:
    """The one account of `kind` for `ref`, created on first use (race-safe via the unique constraints)."""
    account = Account.objects.filter(kind=kind, **ref).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind, **ref)
    except IntegrityError:
        return Account.objects.get(kind=kind, **ref)


def user_account(user, kind: str = Kind.USER_AVAILABLE) -> Account:
    if kind not in Account.USER_KINDS:
        raise ValueError(f"{kind} is not a user account kind")
    return _get_or_create(kind, owner_id=user.pk if hasattr(user, "pk") else int(user))


def escrow_account(order_ref: int) -> Account:
    return _get_or_create(Kind.ORDER_ESCROW, order_ref=int(order_ref))


def clearing_account(gateway: str) -> Account:
    return _get_or_create(Kind.GATEWAY_CLEARING, gateway=gateway)


def revenue_account() -> Account:
    return _get_or_create(Kind.PLATFORM_REVENUE)


def outside_account() -> Account:
    return _get_or_create(Kind.OUTSIDE_WORLD)


# --- Balances ------------------------------------------------------------------------------------


def balance(account: Account) -> int:
    """The balance of one account in Rials: the sum of its legs."""
    return Leg.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or 0


def balances(accounts: Iterable[Account]) -> dict[int, int]:
    """Balances of many accounts in one query, keyed by account id (zero for accounts without legs)."""
    ids = [a.pk for a in accounts]
    result = dict.fromkeys(ids, 0)
    rows = Leg.objects.filter(account_id__in=ids).values("account_id").annotate(total=Sum("amount"))
    result.update({row["account_id"]: row["total"] for row in rows})
    return result


def escrow_balance(order_ref: int) -> int:
    return (
        Leg.objects.filter(account__kind=Kind.ORDER_ESCROW, account__order_ref=order_ref)
        .aggregate(total=Sum("amount"))["total"] or 0
    )


def user_balances(user) -> dict[str, int]:
    """`{"available": …, "pending": …, "in_flight": …}` in Rials for one user, in one query."""
    rows = (
        Leg.objects.filter(account__owner=user).values("account__kind").annotate(total=Sum("amount"))
    )
    totals = {row["account__kind"]: row["total"] for row in rows}
    return {
        "available": totals.get(Kind.USER_AVAILABLE, 0),
        "pending": totals.get(Kind.USER_PENDING, 0),
        "in_flight": totals.get(Kind.PAYOUTS_IN_FLIGHT, 0),
    }


# --- Posting -------------------------------------------------------------------------------------


def _same_legs(transfer: Transfer, legs: Sequence[tuple[Account, int]], kind: str) -> bool:
    stored = sorted(transfer.legs.values_list("account_id", "amount"))
    wanted = sorted((account.pk, int(amount)) for account, amount in legs)
    return transfer.kind == kind and stored == wanted


def _existing(key: str, kind: str, legs) -> Transfer | None:
    transfer = Transfer.objects.filter(idempotency_key=key).first()
    if transfer is None:
        return None
    if not _same_legs(transfer, legs, kind):
        raise IdempotencyConflict(key)
    transfer.created = False
    return transfer


@transaction.atomic
def post_transfer(
    *, key: str, kind: str, legs: Sequence[tuple[Account, int]], description: str = "",
    order_ref: int | None = None, actor=None,
) -> Transfer:
    """Post one balanced transfer, once per `key`; a repeat with the same key returns the first.

    The returned transfer has `created` set: True if this call wrote it. Every account whose
    balance goes down (except the outside world) is locked with SELECT … FOR UPDATE in id order,
    so concurrent postings serialise without deadlocks, and refused with `InsufficientFunds` if it
    would go below zero. The key is checked again after the locks, so 20 concurrent identical
    calls post once and the other 19 return the same transfer. Call it inside the caller's
    transaction when the posting must commit together with other changes (an order's status).
    """
    legs = [(account, int(amount)) for account, amount in legs if int(amount) != 0]
    if len(legs) < 2:
        raise EscrowError("A transfer needs at least two non-zero legs.", code="too_few_legs")
    if sum(amount for _, amount in legs) != 0:
        raise EscrowError("A transfer's legs must sum to zero.", code="unbalanced")

    existing = _existing(key, kind, legs)
    if existing is not None:
        return existing

    net: dict[int, int] = defaultdict(int)
    by_id: dict[int, Account] = {}
    for account, amount in legs:
        net[account.pk] += amount
        by_id[account.pk] = account
    debited = sorted(
        pk for pk, change in net.items() if change < 0 and by_id[pk].kind not in Account.MAY_BE_NEGATIVE
    )
    if debited:
        list(Account.objects.select_for_update().filter(pk__in=debited).order_by("pk").values_list("pk"))
        # Someone holding the locks before us may have posted this very key: look again.
        existing = _existing(key, kind, legs)
        if existing is not None:
            return existing
        current = balances([by_id[pk] for pk in debited])
        for pk in debited:
            if current[pk] + net[pk] < 0:
                raise InsufficientFunds()

    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                kind=kind, idempotency_key=key, description=description[:300], order_ref=order_ref,
                actor=actor,
            )
            Leg.objects.bulk_create([Leg(transfer=transfer, account=account, amount=amount) for account, amount in legs])
    except IntegrityError:
        # A concurrent posting of the same key committed between our check and our insert.
        existing = _existing(key, kind, legs)
        if existing is None:
            raise
        return existing
    transfer.created = True
    return transfer
