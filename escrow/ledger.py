"""The double-entry core: find accounts, post transfers, read balances.

Business operations (`escrow.actions`) are built from these. Nobody else writes `Transfer` or `Leg`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

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


_ACCOUNT_FIELDS = ("id", "kind", "owner_id", "order_ref", "gateway", "created_at")
_REFS = ("owner_id", "order_ref", "gateway")


def accounts(*specs: dict, lock_first: bool = False) -> list[Account]:
    """Several accounts in one query, each spec the reference of one (`{"kind": …, "owner_id": …}`,
    `{"kind": …, "order_ref": …}`, `{"kind": <singleton kind>}`); missing ones are created as
    `_get_or_create` would. Returned in the order of `specs`.

    `lock_first`: the first account is also locked (SELECT … FOR UPDATE) in the same statement, for a
    posting that debits it: pass it to `post_transfer(locked=…)`, which then sends no lock of its own.
    Needs a transaction. Plain SQL: this runs in every release, and building the ORM's query cost more
    than running it.
    """
    where, params = [], []
    for spec in specs:
        if set(spec) - {"kind", *_REFS}:
            raise ValueError(f"not an account reference: {spec}")
        where.append("(" + " AND ".join(f"{field} = %s" for field in spec) + ")")
        params.extend(spec.values())
    if lock_first and transaction.get_autocommit():
        raise transaction.TransactionManagementError("accounts(lock_first=True) needs a transaction.")
    columns = ", ".join(_ACCOUNT_FIELDS)
    if lock_first:
        # The first account locked in a CTE, the others read beside it (locking them would serialise
        # every posting to the platform's revenue account).
        others = " OR ".join(where[1:])
        sql = f"WITH locked AS (SELECT {columns} FROM escrow_account WHERE {where[0]} FOR UPDATE) SELECT * FROM locked"  # noqa: S608 - names checked above
        if others:
            sql += f" UNION ALL SELECT {columns} FROM escrow_account WHERE {others}"  # noqa: S608 - names checked above
    else:
        sql = f"SELECT {columns} FROM escrow_account WHERE {' OR '.join(where)}"  # noqa: S608 - names checked above
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = [Account.from_db(connection.alias, _ACCOUNT_FIELDS, row) for row in cursor.fetchall()]

    def matches(account: Account, spec: dict) -> bool:
        return all(getattr(account, field) == value for field, value in spec.items())

    result = []
    for spec in specs:
        account = next((a for a in found if matches(a, spec)), None)
        result.append(account if account is not None else _get_or_create(**spec))
    if lock_first and not any(matches(a, specs[0]) for a in found):  # created just now: lock it as well
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM escrow_account WHERE id = %s FOR UPDATE", [result[0].pk])
    return result


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


def post_transfer(
    *, key: str, kind: str, legs: Sequence[tuple[Account, int]], description: str = "",
    order_ref: int | None = None, actor=None, locked: Sequence[Account] = (),
) -> Transfer:
    """Post one balanced transfer, once per `key`; a repeat with the same key returns the first.

    The returned transfer has `created` set: True if this call wrote it. Every account whose
    balance goes down (except the outside world) is locked with SELECT … FOR UPDATE in id order,
    so concurrent postings serialise without deadlocks, and refused with `InsufficientFunds` if it
    would go below zero. The key is looked up only after the locks (a posting of the same key
    holds the same locks until it commits), so 20 concurrent identical calls post once and the
    other 19 return the same transfer. Call it inside the caller's transaction when the posting
    must commit together with other changes (an order's status); it then adds no savepoint of its
    own around the locks (an error raised here happens before anything is written). `actor` is a
    user or a user id. `locked`: accounts the caller locked FOR UPDATE earlier in this same
    transaction (`accounts(lock_first=True)`); when they are all the debited ones, no lock is sent.
    """
    legs = [(account, int(amount)) for account, amount in legs if int(amount) != 0]
    if len(legs) < 2:
        raise EscrowError("A transfer needs at least two non-zero legs.", code="too_few_legs")
    if sum(amount for _, amount in legs) != 0:
        raise EscrowError("A transfer's legs must sum to zero.", code="unbalanced")
    if transaction.get_connection().in_atomic_block:
        return _post(key, kind, legs, description, order_ref, actor, locked)
    if locked:
        raise transaction.TransactionManagementError("post_transfer(locked=…) needs the caller's transaction.")
    with transaction.atomic():
        return _post(key, kind, legs, description, order_ref, actor, ())


def _post(key: str, kind: str, legs: list[tuple[Account, int]], description: str, order_ref: int | None,
          actor, locked: Sequence[Account]) -> Transfer:
    net: dict[int, int] = defaultdict(int)
    by_id: dict[int, Account] = {}
    for account, amount in legs:
        net[account.pk] += amount
        by_id[account.pk] = account
    debited = sorted(
        pk for pk, change in net.items() if change < 0 and by_id[pk].kind not in Account.MAY_BE_NEGATIVE
    )
    if not debited:
        existing = _existing(key, kind, legs)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return _insert(key, kind, legs, description, order_ref, actor)
        except IntegrityError:
            # A concurrent posting of the same key committed between our check and our insert.
            existing = _existing(key, kind, legs)
            if existing is None:
                raise
            return existing

    with connection.cursor() as cursor:
        if not set(debited) <= {account.pk for account in locked}:
            cursor.execute("SELECT id FROM escrow_account WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [debited])
        # Under the locks (a new statement, so it sees every posting committed by whoever held
        # them before us): the balances of the debited accounts, and whether this key was posted.
        cursor.execute(_BALANCES_AND_KEY, [key, debited])
        rows = cursor.fetchall()
    if rows and rows[0][2] is not None:
        existing = _existing(key, kind, legs)
        if existing is not None:
            return existing
    current = {pk: total for pk, total, _posted in rows}
    for pk in debited:
        if current.get(pk, 0) + net[pk] < 0:
            raise InsufficientFunds()
    # No savepoint: a posting of this key with the same legs holds our locks until it commits, so
    # the look above saw it; only a posting of this key with other legs (a conflict, a bug) could
    # still collide here, and its IntegrityError then rolls the whole transaction back.
    return _insert(key, kind, legs, description, order_ref, actor)


_BALANCES_AND_KEY = """
SELECT account.id,
       COALESCE((SELECT SUM(leg.amount) FROM escrow_leg leg WHERE leg.account_id = account.id), 0),
       (SELECT transfer.id FROM escrow_transfer transfer WHERE transfer.idempotency_key = %s)
FROM unnest(%s::bigint[]) AS account(id)
"""

_INSERT = """
WITH t AS (
    INSERT INTO escrow_transfer (kind, idempotency_key, description, order_ref, actor_id, created_at)
    VALUES (%s, %s, %s, %s, %s, %s) RETURNING id
)
INSERT INTO escrow_leg (transfer_id, account_id, amount)
SELECT t.id, leg.account_id, leg.amount FROM t, unnest(%s::bigint[], %s::bigint[]) AS leg(account_id, amount)
RETURNING transfer_id
"""


def _insert(key: str, kind: str, legs: list[tuple[Account, int]], description: str, order_ref: int | None,
            actor) -> Transfer:
    """The transfer and its legs in one statement (the deferred triggers check them at commit)."""
    transfer = Transfer(kind=kind, idempotency_key=key, description=description[:300], order_ref=order_ref,
                        actor_id=getattr(actor, "pk", actor), created_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [transfer.kind, transfer.idempotency_key, transfer.description, transfer.order_ref,
                                 transfer.actor_id, transfer.created_at,
                                 [account.pk for account, _ in legs], [amount for _, amount in legs]])
        transfer.pk = cursor.fetchone()[0]
    transfer._state.adding = False
    transfer.created = True
    return transfer
