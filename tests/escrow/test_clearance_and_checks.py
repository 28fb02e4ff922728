"""Clearance of pending earnings, withdrawals, and `check_ledger` naming broken invariants."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from escrow import actions, checks, ledger
from escrow.exceptions import EscrowError, InsufficientFunds
from escrow.models import Payout
from tests.accounts.factories import UserFactory

from .helpers import pay


@pytest.fixture
def released(db, settings):
    settings.COMMISSION_PERCENT = 10
    settings.CLEARANCE_DAYS = 3
    buyer, expert = UserFactory(), UserFactory()
    pay(buyer, order_ref=1, amount=1_000_000)
    actions.escrow_release(order_ref=1, expert=expert, buyer=buyer, amount=1_000_000)
    return buyer, expert


def test_pending_clears_after_the_clearance_days(released):
    _buyer, expert = released
    assert actions.earnings_clear() == 0
    assert actions.earnings_clear(now=timezone.now() + dt.timedelta(days=2)) == 0
    assert ledger.user_balances(expert) == {"available": 0, "pending": 900_000, "in_flight": 0}
    later = timezone.now() + dt.timedelta(days=3, minutes=1)
    assert actions.earnings_clear(now=later) == 1
    assert actions.earnings_clear(now=later) == 0  # idempotent
    assert ledger.user_balances(expert) == {"available": 900_000, "pending": 0, "in_flight": 0}


def test_withdrawal_paid_or_returned(released):
    _buyer, expert = released
    actions.earnings_clear(now=timezone.now() + dt.timedelta(days=4))
    with pytest.raises(EscrowError):
        actions.payout_request(user=expert, amount=100_000, sheba="123")
    with pytest.raises(InsufficientFunds):
        actions.payout_request(user=expert, amount=900_001, sheba="IR" + "1" * 24)
    payout = actions.payout_request(user=expert, amount=400_000, sheba="IR۱۲" + "0" * 22)
    assert payout.sheba == "IR12" + "0" * 22
    assert ledger.user_balances(expert) == {"available": 500_000, "pending": 0, "in_flight": 400_000}
    actions.payout_mark_paid(payout_id=payout.pk, provider_ref="P1")
    actions.payout_mark_paid(payout_id=payout.pk, provider_ref="P1")
    assert ledger.user_balances(expert)["in_flight"] == 0
    failed = actions.payout_request(user=expert, amount=500_000, sheba="IR" + "1" * 24)
    actions.payout_mark_failed(payout_id=failed.pk)
    assert Payout.objects.get(pk=failed.pk).status == Payout.Status.FAILED
    assert ledger.user_balances(expert) == {"available": 500_000, "pending": 0, "in_flight": 0}
    assert ledger.balance(ledger.outside_account()) == -1_000_000 + 400_000


def test_check_ledger_passes_on_a_healthy_ledger(released, capsys):
    call_command("check_ledger")
    out = capsys.readouterr().out
    assert "OK    every transfer sums to zero" in out
    assert "OK    a closed order's escrow is zero" in out
    assert "دفتر کل سالم است" in out


def insert_raw_transfer(key, legs):
    """Write a transfer behind the ledger's back, with its balance trigger disabled (this test only)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the deferred checks of earlier postings now
        cursor.execute("ALTER TABLE escrow_leg DISABLE TRIGGER escrow_leg_balanced")
        cursor.execute("ALTER TABLE escrow_transfer DISABLE TRIGGER escrow_transfer_balanced")
        cursor.execute(
            "INSERT INTO escrow_transfer (kind, idempotency_key, description, created_at) "
            "VALUES ('adjustment', %s, '', now()) RETURNING id", [key])
        tid = cursor.fetchone()[0]
        for account, amount in legs:
            cursor.execute("INSERT INTO escrow_leg (transfer_id, account_id, amount) VALUES (%s, %s, %s)",
                           [tid, account.pk, amount])


def test_check_ledger_names_an_unbalanced_transfer_and_a_wrong_total(released, capsys):
    _buyer, expert = released
    insert_raw_transfer("broken:1", [(ledger.user_account(expert), 5)])
    with pytest.raises(CommandError, match="2 ledger invariant"):
        call_command("check_ledger")
    out = capsys.readouterr().out
    assert "FAIL  every transfer sums to zero" in out and "broken:1" in out
    assert "FAIL  the sum of all balances is zero" in out
    assert "جمع هر تراکنش صفر است" in out
    assert "OK    no balance is negative" in out


def test_check_ledger_names_a_negative_balance(released, capsys):
    buyer, _expert = released
    insert_raw_transfer("broken:2", [(ledger.user_account(buyer), -10), (ledger.revenue_account(), 10)])
    with pytest.raises(CommandError):
        call_command("check_ledger")
    out = capsys.readouterr().out
    assert "FAIL  no balance is negative" in out
    assert "OK    every transfer sums to zero" in out


def test_every_app_check_is_registered_and_escrow_imports_no_app_above_it():
    names = list(checks.registered())
    assert set(names) == {
        "every transfer sums to zero", "no balance is negative", "the sum of all balances is zero",
        "every paid payment is in the ledger", "a closed order's escrow is zero",
    }
    import pathlib

    import escrow

    root = pathlib.Path(escrow.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "from orders" in p.read_text() or "import orders" in p.read_text()]
    assert offenders == []


def test_a_check_registered_by_another_app_is_run_and_named(released, capsys):
    saved = checks.registered()
    checks.register("a test invariant", lambda: [checks.Problem("a test invariant", "قاعده آزمایشی", "row 7")])
    try:
        with pytest.raises(CommandError, match="1 ledger invariant"):
            call_command("check_ledger")
    finally:
        checks._registry.clear()
        checks._registry.update(saved)
    out = capsys.readouterr().out
    assert "FAIL  a test invariant" in out and "row 7" in out and "قاعده آزمایشی" in out
    assert "OK    every transfer sums to zero" in out
