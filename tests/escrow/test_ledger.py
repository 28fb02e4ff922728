"""The ledger's rules, enforced by PostgreSQL itself and by `post_transfer`."""

import pytest
from django.db import IntegrityError, connection, transaction

from escrow import actions, ledger
from escrow.exceptions import IdempotencyConflict, InsufficientFunds
from escrow.models import Account, Leg, Transfer
from tests.accounts.factories import UserFactory


@pytest.fixture
def accounts(db):
    user = UserFactory()
    return ledger.outside_account(), ledger.user_account(user), user


@pytest.mark.django_db(transaction=True)
def test_unbalanced_transfer_is_refused_by_the_database_at_commit():
    outside, wallet = ledger.outside_account(), ledger.user_account(UserFactory())
    with pytest.raises(IntegrityError, match="unbalanced"):
        with transaction.atomic():
            transfer = Transfer.objects.create(kind="adjustment", idempotency_key="bad:1")
            Leg.objects.create(transfer=transfer, account=outside, amount=-100)
            Leg.objects.create(transfer=transfer, account=wallet, amount=99)
    assert not Transfer.objects.filter(idempotency_key="bad:1").exists()
    assert Leg.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_transfer_without_legs_is_refused_at_commit():
    with pytest.raises(IntegrityError, match="at least two"):
        with transaction.atomic():
            Transfer.objects.create(kind="adjustment", idempotency_key="empty:1")


@pytest.mark.django_db(transaction=True)
def test_legs_inserted_one_by_one_commit_when_they_balance():
    outside, wallet = ledger.outside_account(), ledger.user_account(UserFactory())
    with transaction.atomic():
        transfer = Transfer.objects.create(kind="adjustment", idempotency_key="ok:1")
        Leg.objects.create(transfer=transfer, account=outside, amount=-100)
        Leg.objects.create(transfer=transfer, account=wallet, amount=100)
    assert ledger.balance(wallet) == 100


@pytest.mark.parametrize("statement", [
    "UPDATE escrow_leg SET amount = amount * 2",
    "DELETE FROM escrow_leg",
    "UPDATE escrow_transfer SET description = 'changed'",
    "DELETE FROM escrow_transfer",
])
def test_transfers_and_legs_cannot_be_updated_or_deleted(accounts, statement):
    outside, wallet, _user = accounts
    ledger.post_transfer(key="t:1", kind="adjustment", legs=[(outside, -500), (wallet, 500)])
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert ledger.balance(wallet) == 500


def test_orm_update_and_delete_are_refused_too(accounts):
    outside, wallet, _user = accounts
    transfer = ledger.post_transfer(key="t:2", kind="adjustment", legs=[(outside, -500), (wallet, 500)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Leg.objects.filter(transfer=transfer).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        transfer.legs.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(pk=transfer.pk).update(description="x")


def test_posting_is_idempotent_per_key(accounts):
    outside, wallet, _user = accounts
    first = ledger.post_transfer(key="k:1", kind="adjustment", legs=[(outside, -700), (wallet, 700)])
    again = ledger.post_transfer(key="k:1", kind="adjustment", legs=[(outside, -700), (wallet, 700)])
    assert first.created and not again.created
    assert again.pk == first.pk
    assert Transfer.objects.count() == 1
    assert ledger.balance(wallet) == 700


def test_the_same_key_with_other_legs_is_a_conflict(accounts):
    outside, wallet, _user = accounts
    ledger.post_transfer(key="k:2", kind="adjustment", legs=[(outside, -700), (wallet, 700)])
    with pytest.raises(IdempotencyConflict):
        ledger.post_transfer(key="k:2", kind="adjustment", legs=[(outside, -800), (wallet, 800)])


def test_no_wallet_may_go_below_zero(accounts):
    outside, wallet, user = accounts
    ledger.post_transfer(key="in", kind="adjustment", legs=[(outside, -1000), (wallet, 1000)])
    with pytest.raises(InsufficientFunds) as info:
        actions.escrow_pay_from_wallet(order_ref=5, buyer=user, amount=1001)
    assert "موجودی" in str(info.value.message)
    actions.escrow_pay_from_wallet(order_ref=5, buyer=user, amount=1000)
    assert ledger.balance(wallet) == 0
    assert ledger.escrow_balance(5) == 1000


def test_accounts_are_unique_per_owner_order_and_gateway(db):
    user = UserFactory()
    assert ledger.user_account(user) == ledger.user_account(user)
    assert ledger.user_account(user) != ledger.user_account(user, Account.Kind.USER_PENDING)
    assert ledger.escrow_account(3) == ledger.escrow_account(3)
    assert ledger.clearing_account("sandbox") != ledger.clearing_account("zarinpal")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(kind=Account.Kind.OUTSIDE_WORLD)
        Account.objects.create(kind=Account.Kind.OUTSIDE_WORLD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(kind=Account.Kind.ORDER_ESCROW)  # an escrow needs its order


def test_release_splits_price_between_expert_and_platform(db, settings):
    settings.COMMISSION_PERCENT = 10
    buyer, expert = UserFactory(), UserFactory()
    ledger.post_transfer(key="seed", kind="adjustment",
                         legs=[(ledger.outside_account(), -1_200_000), (ledger.escrow_account(9), 1_200_000)])
    transfer = actions.escrow_release(order_ref=9, expert=expert, buyer=buyer, amount=1_200_000)
    assert transfer.idempotency_key == "release:9"
    assert ledger.escrow_balance(9) == 0
    assert ledger.user_balances(expert)["pending"] == 1_080_000
    assert ledger.balance(ledger.revenue_account()) == 120_000


def test_refund_and_split(db, settings):
    settings.COMMISSION_PERCENT = 10
    buyer, expert = UserFactory(), UserFactory()
    ledger.post_transfer(key="seed", kind="adjustment",
                         legs=[(ledger.outside_account(), -1000), (ledger.escrow_account(4), 1000)])
    refund = actions.escrow_refund(order_ref=4, buyer=buyer, amount=400, n=1)
    assert refund.idempotency_key == "refund:4:1"
    actions.escrow_split(order_ref=4, buyer=buyer, expert=expert, buyer_amount=200, expert_amount=400)
    assert ledger.escrow_balance(4) == 0
    assert ledger.user_balances(buyer)["available"] == 600
    assert ledger.user_balances(expert)["pending"] == 360
    assert ledger.balance(ledger.revenue_account()) == 40
    with pytest.raises(InsufficientFunds):
        actions.escrow_refund(order_ref=4, buyer=buyer, amount=1, n=2)


def _locked_elsewhere(account_id: int) -> bool:
    """Whether another connection finds the account row locked (FOR UPDATE NOWAIT fails)."""
    import psycopg

    sd = connection.settings_dict
    params = {"dbname": sd["NAME"], "host": sd["HOST"] or None, "port": sd["PORT"] or None,
              "user": sd["USER"] or None, "password": sd["PASSWORD"] or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as other:
        try:
            other.execute("SELECT id FROM escrow_account WHERE id = %s FOR UPDATE NOWAIT", [account_id])
        except psycopg.errors.LockNotAvailable:
            return True
        return False


@pytest.mark.django_db(transaction=True)
def test_accounts_lock_first_locks_the_first_account_only_until_commit():
    expert = UserFactory()
    ledger.escrow_account(77)
    specs = ({"kind": Account.Kind.ORDER_ESCROW, "order_ref": 77},
             {"kind": Account.Kind.USER_PENDING, "owner_id": expert.pk}, {"kind": Account.Kind.PLATFORM_REVENUE})
    with transaction.atomic():
        escrow, pending, revenue = ledger.accounts(*specs, lock_first=True)
        assert (escrow.kind, escrow.order_ref, pending.owner_id, revenue.kind) == (
            Account.Kind.ORDER_ESCROW, 77, expert.pk, Account.Kind.PLATFORM_REVENUE)
        assert _locked_elsewhere(escrow.pk)
        assert not _locked_elsewhere(pending.pk) and not _locked_elsewhere(revenue.pk)
    assert not _locked_elsewhere(escrow.pk)
    with transaction.atomic():  # an escrow account the look-up had to create (locked as well)
        created = ledger.accounts({"kind": Account.Kind.ORDER_ESCROW, "order_ref": 78}, lock_first=True)[0]
        assert created.order_ref == 78 and created.pk
    assert Account.objects.filter(kind=Account.Kind.ORDER_ESCROW, order_ref=78).count() == 1
    with pytest.raises(transaction.TransactionManagementError):
        ledger.accounts(*specs, lock_first=True)


@pytest.mark.django_db(transaction=True)
def test_a_release_in_a_transaction_holds_the_escrow_lock_and_still_refuses_overdrawing():
    buyer, expert = UserFactory(), UserFactory()
    ledger.post_transfer(key="seed:79", kind="adjustment",
                         legs=[(ledger.outside_account(), -1000), (ledger.escrow_account(79), 1000)])
    with transaction.atomic():
        actions.escrow_release(order_ref=79, expert=expert, buyer=buyer, amount=1000)
        assert _locked_elsewhere(ledger.escrow_account(79).pk)
    assert ledger.escrow_balance(79) == 0
    with pytest.raises(InsufficientFunds), transaction.atomic():
        actions.escrow_refund(order_ref=79, buyer=buyer, amount=1)
    with transaction.atomic():  # the same key again returns the first transfer
        again = actions.escrow_release(order_ref=79, expert=expert, buyer=buyer, amount=1000)
    assert again.created is False and Transfer.objects.filter(idempotency_key="release:79").count() == 1
    with pytest.raises(transaction.TransactionManagementError):
        ledger.post_transfer(key="x", kind="adjustment", locked=[ledger.escrow_account(79)],
                             legs=[(ledger.escrow_account(79), -1), (ledger.outside_account(), 1)])
