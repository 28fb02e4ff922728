"""Withdrawals: asked on the wallet, reserved at once, paid or returned through the payout provider."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from escrow import actions, ledger
from escrow.checks import run_checks
from escrow.exceptions import EscrowError, InsufficientFunds
from escrow.models import Account, Payout, PayoutBatch, Transfer
from escrow.payouts import PAYA_COLUMNS, FakePayoutProvider, ManualPayoutProvider
from notifications.models import Notification
from tests.accounts.factories import ExpertProfileFactory, UserFactory
from tests.concurrency import run_concurrently

SHEBA = "IR062960000000100324200001"
OTHER_SHEBA = "IR490000000000000000000000"
_keys = itertools.count()


def fund(user, rials: int) -> None:
    """Put `rials` in the user's available balance (as a cleared release would)."""
    ledger.post_transfer(
        key=f"test-fund:{user.pk}:{next(_keys)}", kind=Transfer.Kind.ADJUSTMENT,
        legs=[(ledger.outside_account(), -rials), (ledger.user_account(user), rials)],
    )


@pytest.fixture
def expert(db):
    profile = ExpertProfileFactory(sheba=SHEBA)
    fund(profile.user, 3_000_000)  # 300,000 Toman
    return profile.user


def test_asking_reserves_the_amount_at_once_and_a_double_submit_asks_once(client, expert):
    client.force_login(expert)
    page = client.get(reverse("escrow:wallet")).content.decode()
    assert 'data-testid="withdraw-form"' in page and SHEBA in page
    form = {"amount": "۱۵۰٬۰۰۰", "sheba": "IR00 0000", "key": "k-1"}  # the profile's Sheba wins
    first = client.post(reverse("escrow:withdraw"), form)
    second = client.post(reverse("escrow:withdraw"), form)
    assert first.status_code == second.status_code == 302
    payout = Payout.objects.get()
    assert (payout.amount, payout.sheba, payout.status) == (1_500_000, SHEBA, Payout.Status.REQUESTED)
    assert ledger.user_balances(expert) == {"available": 1_500_000, "pending": 0, "in_flight": 1_500_000}
    page = client.get(reverse("escrow:wallet")).content.decode()
    assert 'data-status="requested"' in page
    assert "۱۵۰٬۰۰۰ تومان" in page and "در راه حساب بانکی شما" in page


@pytest.mark.parametrize(("amount", "field", "message"), [
    ("۹۹٬۹۹۹", "amount", "کمترین مبلغ برداشت"),
    ("۳۰۰٬۰۰۱", "amount", "کمتر از این مبلغ"),
    ("abc", "amount", "عدد"),
])
def test_bad_amounts_are_refused_beside_the_field_and_keep_what_was_typed(client, expert, amount, field, message):
    client.force_login(expert)
    response = client.post(reverse("escrow:withdraw"), {"amount": amount, "key": "k"})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and 'id="id_amount_error"' in html
    assert f'value="{amount}"' in html
    assert not Payout.objects.exists()
    assert ledger.user_balances(expert)["available"] == 3_000_000


def test_a_buyer_without_a_profile_types_a_sheba_checked_with_mod_97(client, db):
    buyer = UserFactory()
    fund(buyer, 2_000_000)
    client.force_login(buyer)
    response = client.post(reverse("escrow:withdraw"), {"amount": "100000", "sheba": "IR75" + "1" * 22, "key": "a"})
    html = response.content.decode()
    assert 'id="id_sheba_error"' in html and "معتبر نیست" in html
    assert 'value="IR75' in html
    response = client.post(reverse("escrow:withdraw"), {"amount": "100000", "sheba": "IR۴۹" + "۰" * 22, "key": "b"})
    assert response.status_code == 302
    assert Payout.objects.get().sheba == OTHER_SHEBA


def test_below_the_minimum_the_wallet_says_when_withdrawing_becomes_possible(client, db):
    user = UserFactory()
    fund(user, 999_990)
    client.force_login(user)
    html = client.get(reverse("escrow:wallet")).content.decode()
    assert 'data-testid="withdraw-min"' in html and "۱۰۰٬۰۰۰ تومان" in html


def test_the_wallet_lists_only_ones_own_withdrawals_with_jalali_dates(client, expert):
    actions.payout_request(user=expert, amount=1_000_000, sheba=SHEBA)
    other = UserFactory()
    client.force_login(other)
    assert 'data-testid="withdrawal"' not in client.get(reverse("escrow:wallet")).content.decode()
    client.force_login(expert)
    html = client.get(reverse("escrow:wallet")).content.decode()
    assert html.count('data-testid="withdrawal"') == 1
    assert "۱۴۰۵" in html  # Jalali year


def test_fake_provider_pays_or_returns_each_in_one_transfer(expert, django_capture_on_commit_callbacks):
    buyer = UserFactory()
    fund(buyer, 2_000_000)
    ok = actions.payout_request(user=expert, amount=1_000_000, sheba=SHEBA)
    bad = actions.payout_request(user=buyer, amount=1_000_000, sheba=OTHER_SHEBA)
    FakePayoutProvider.failing = {OTHER_SHEBA}
    try:
        with django_capture_on_commit_callbacks(execute=True):
            batch = actions.payout_dispatch(provider=FakePayoutProvider())
    finally:
        FakePayoutProvider.failing = set()
    assert (batch.count, batch.total, batch.provider) == (2, 2_000_000, "fake")
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert ok.status == Payout.Status.PAID and ok.decided_at and ok.provider_ref == f"FAKE-{ok.pk}"
    assert bad.status == Payout.Status.FAILED and bad.failure_reason
    returned = Transfer.objects.filter(kind=Transfer.Kind.PAYOUT_FAILED)
    assert returned.count() == 1 and returned.get().legs.count() == 2
    assert ledger.user_balances(buyer) == {"available": 2_000_000, "pending": 0, "in_flight": 0}
    assert ledger.user_balances(expert) == {"available": 2_000_000, "pending": 0, "in_flight": 0}
    assert Notification.objects.filter(recipient=expert, kind="withdrawal_paid").count() == 1
    assert Notification.objects.filter(recipient=buyer, kind="withdrawal_failed").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([expert.email, buyer.email])
    assert actions.payout_dispatch(provider=FakePayoutProvider()) is None  # nothing left
    assert not any(run_checks().values())


def test_a_bad_row_in_a_batch_is_logged_and_the_others_are_paid(expert, caplog, monkeypatch):
    second = ExpertProfileFactory(sheba=SHEBA).user
    fund(second, 1_000_000)
    a = actions.payout_request(user=expert, amount=1_000_000, sheba=SHEBA)
    b = actions.payout_request(user=second, amount=1_000_000, sheba=SHEBA)
    real = actions._payout_finish

    def broken(payout_id, **kwargs):
        if payout_id == a.pk:
            raise RuntimeError("database hiccup")
        return real(payout_id, **kwargs)

    monkeypatch.setattr(actions, "_payout_finish", broken)
    actions.payout_dispatch(provider=FakePayoutProvider())
    assert "left for the next run" in caplog.text
    assert Payout.objects.get(pk=b.pk).status == Payout.Status.PAID
    assert Payout.objects.get(pk=a.pk).status == Payout.Status.PROCESSING  # staff or a retry finishes it
    monkeypatch.setattr(actions, "_payout_finish", real)
    assert actions.payout_dispatch(provider=FakePayoutProvider()) is None  # too soon to ask again
    assert Payout.objects.get(pk=a.pk).status == Payout.Status.PROCESSING
    Payout.objects.filter(pk=a.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=16))
    actions.payout_dispatch(provider=FakePayoutProvider())  # the next run asks the provider again
    assert Payout.objects.get(pk=a.pk).status == Payout.Status.PAID
    assert Transfer.objects.filter(kind=Transfer.Kind.PAYOUT_DONE).count() == 2
    assert not any(run_checks().values())


def test_manual_provider_batch_exports_a_paya_csv_and_staff_mark_rows_in_the_admin(expert, admin_client):
    second = ExpertProfileFactory(sheba=OTHER_SHEBA).user
    fund(second, 1_000_000)
    a = actions.payout_request(user=expert, amount=1_200_000, sheba=SHEBA)
    b = actions.payout_request(user=second, amount=1_000_000, sheba=OTHER_SHEBA)
    batch = actions.payout_dispatch(provider=ManualPayoutProvider())
    assert set(batch.payouts.values_list("status", flat=True)) == {Payout.Status.PROCESSING}
    assert ledger.user_balances(expert)["in_flight"] == 1_200_000

    response = admin_client.post(reverse("admin:escrow_payoutbatch_changelist"),
                                 {"action": "export_paya_csv", "_selected_action": [batch.pk]})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == PAYA_COLUMNS
    assert rows[1][:3] == ["1", SHEBA, "1200000"] and rows[1][5] == f"AZ{a.pk}"
    assert rows[2][:3] == ["2", OTHER_SHEBA, "1000000"] and rows[2][5] == f"AZ{b.pk}"
    assert PayoutBatch.objects.get().exported_at is not None

    changelist = reverse("admin:escrow_payout_changelist")
    admin_client.post(changelist, {"action": "mark_paid", "_selected_action": [a.pk]})
    admin_client.post(changelist, {"action": "mark_failed", "_selected_action": [b.pk]})
    admin_client.post(changelist, {"action": "mark_failed", "_selected_action": [a.pk]})  # already paid: no-op
    assert Payout.objects.get(pk=a.pk).status == Payout.Status.PAID
    assert Payout.objects.get(pk=b.pk).status == Payout.Status.FAILED
    assert ledger.user_balances(expert) == {"available": 1_800_000, "pending": 0, "in_flight": 0}
    assert ledger.user_balances(second) == {"available": 1_000_000, "pending": 0, "in_flight": 0}
    assert not any(run_checks().values())


def test_staff_without_the_payout_permission_cannot_mark(expert, client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    payout = actions.payout_request(user=expert, amount=1_000_000, sheba=SHEBA)
    client.post(reverse("admin:escrow_payout_changelist"), {"action": "mark_paid", "_selected_action": [payout.pk]})
    assert Payout.objects.get(pk=payout.pk).status == Payout.Status.REQUESTED


def test_action_rules(expert, settings):
    with pytest.raises(EscrowError) as exc:
        actions.payout_request(user=expert, amount=999_990, sheba=SHEBA)
    assert exc.value.field == "amount"
    with pytest.raises(InsufficientFunds):
        actions.payout_request(user=expert, amount=3_000_010, sheba=SHEBA)
    first = actions.payout_request(user=expert, amount=1_000_000, sheba=SHEBA, idempotency_key="x")
    again = actions.payout_request(user=expert, amount=1_000_000, sheba=SHEBA, idempotency_key="x")
    assert first.pk == again.pk
    with pytest.raises(EscrowError):
        actions.payout_request(user=UserFactory(), amount=1_000_000, sheba=SHEBA, idempotency_key="x")
    settings.WITHDRAWAL_MIN_TOMAN = 50_000
    actions.payout_request(user=expert, amount=500_000, sheba=SHEBA)


REPETITIONS = 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_never_go_below_zero():
    """Five threads each ask for 40% of the balance, 100 times over: at most two succeed each time."""
    succeeded = refused = 0
    for rep in range(REPETITIONS):
        user = UserFactory()
        fund(user, 5_000_000)
        results, errors = run_concurrently(
            lambda i, user=user, rep=rep: actions.payout_request(
                user=user, amount=2_000_000, sheba=SHEBA, idempotency_key=f"{rep}:{i}"),
            5,
        )
        assert all(isinstance(e, InsufficientFunds) for e in errors), errors
        assert len(results) == 2 and len(errors) == 3
        assert ledger.user_balances(user) == {"available": 1_000_000, "pending": 0, "in_flight": 4_000_000}
        succeeded += len(results)
        refused += len(errors)
    negative = [p for p in run_checks()["no balance is negative"]]
    assert negative == []
    assert Account.objects.filter(kind=Account.Kind.USER_AVAILABLE).count() == REPETITIONS
    print(f"{REPETITIONS} repetitions: {succeeded} withdrawals succeeded, {refused} refused, no balance below zero")


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submits_of_one_form_make_one_withdrawal():
    for rep in range(REPETITIONS):
        user = UserFactory()
        fund(user, 5_000_000)
        results, errors = run_concurrently(
            lambda i, user=user, rep=rep: actions.payout_request(
                user=user, amount=2_000_000, sheba=SHEBA, idempotency_key=f"same-{rep}").pk,
            4,
        )
        assert errors == [] and len(set(results)) == 1
        assert ledger.user_balances(user)["available"] == 3_000_000


def test_wallet_queries_stay_constant_with_many_withdrawals(client, expert, django_assert_max_num_queries):
    from django.db import reset_queries

    actions.payout_request(user=expert, amount=1_000_000, sheba=SHEBA)
    client.force_login(expert)
    client.get(reverse("escrow:wallet"))
    reset_queries()
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("escrow:wallet"))
    baseline = len(few.captured_queries)
    fund(expert, 30_000_000)
    for _ in range(15):
        payout = actions.payout_request(user=expert, amount=1_000_000, sheba=SHEBA)
        actions.payout_mark_paid(payout_id=payout.pk)
    reset_queries()
    with django_assert_max_num_queries(baseline):
        html = client.get(reverse("escrow:wallet")).content.decode()
    assert html.count('data-testid="withdrawal"') == 10  # the latest ten
    print("wallet queries with 1 and 16 withdrawals:", baseline)
