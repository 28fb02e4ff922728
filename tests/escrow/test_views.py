"""The wallet page and the sandbox bank page."""

import datetime as dt

import pytest
from django.db import reset_queries
from django.urls import reverse
from django.utils import timezone

from escrow import actions
from escrow.models import Payment, SandboxCharge
from escrow.selectors import WALLET_PAGE_SIZE
from tests.accounts.factories import PASSWORD, UserFactory

from .helpers import CALLBACK, pay, start


@pytest.fixture
def expert_with_history(db, settings):
    settings.COMMISSION_PERCENT = 10
    buyer, expert = UserFactory(), UserFactory()
    for ref in range(1, 4):
        pay(buyer, order_ref=ref, amount=1_200_000)
        actions.escrow_release(order_ref=ref, expert=expert, buyer=buyer, amount=1_200_000)
    actions.earnings_clear(now=timezone.now() + dt.timedelta(days=4))
    pay(buyer, order_ref=4, amount=500_000)
    actions.escrow_release(order_ref=4, expert=expert, buyer=buyer, amount=500_000)
    return expert


def test_wallet_requires_sign_in(client):
    response = client.get(reverse("escrow:wallet"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_wallet_shows_balances_and_lines_in_persian(client, expert_with_history):
    client.force_login(expert_with_history)
    response = client.get(reverse("escrow:wallet"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "۳۲۴٬۰۰۰ تومان" in html  # available: 3 × 1,080,000 Rials
    assert "۴۵٬۰۰۰ تومان" in html  # pending: 450,000 Rials
    assert "درآمد سفارش #۴" in html
    assert "نزد آزمودگان امن نگه داشته می‌شود" in html  # the trust sentence
    assert "+۱۰۸٬۰۰۰" in html and "−۳۲۴٬۰۰۰" in html
    assert "۱۴۰۵" in html  # Jalali year
    assert "3240000" not in html


def test_wallet_empty_state(client, db):
    client.force_login(UserFactory())
    html = client.get(reverse("escrow:wallet")).content.decode()
    assert "هنوز تراکنشی ندارید" in html


def test_wallet_queries_stay_constant(client, db, django_assert_max_num_queries, settings):
    settings.COMMISSION_PERCENT = 10
    buyer, expert = UserFactory(), UserFactory()
    client.force_login(expert)
    pay(buyer, order_ref=100, amount=100_000)
    actions.escrow_release(order_ref=100, expert=expert, buyer=buyer, amount=100_000)
    client.get(reverse("escrow:wallet"))  # warm the session
    # The test client's request_started signal empties the query log; start from empty so the
    # captured slice is the request's own queries.
    reset_queries()
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("escrow:wallet"))
    baseline = len(few.captured_queries)
    assert baseline >= 3  # the count is real, not an empty capture
    for ref in range(1, WALLET_PAGE_SIZE + 5):
        pay(buyer, order_ref=ref, amount=100_000 + ref * 10)
        actions.escrow_release(order_ref=ref, expert=expert, buyer=buyer, amount=100_000 + ref * 10)
    reset_queries()
    with django_assert_max_num_queries(baseline) as many:
        response = client.get(reverse("escrow:wallet"))
    measured = len(many.captured_queries)
    assert response.content.decode().count('data-testid="ledger-line"') == WALLET_PAGE_SIZE
    assert "۱ از ۲" in response.content.decode()
    second = client.get(reverse("escrow:wallet") + "?page=2").content.decode()
    assert second.count('data-testid="ledger-line"') == 5
    print("wallet queries: 1 line", baseline, "→ 25 lines", measured)


def test_sandbox_page_shows_amount_and_pays(client, db):
    payment = start(UserFactory(), order_ref=5, amount=1_250_000)
    url = reverse("escrow:sandbox_pay", args=[payment.authority])
    html = client.get(url).content.decode()
    assert "۱۲۵٬۰۰۰ تومان" in html and "آزمودگان" in html
    assert 'value="pay"' in html and 'value="cancel"' in html
    response = client.post(url, {"action": "pay"})
    assert response.status_code == 302
    assert response["Location"].startswith(CALLBACK + "?Authority=" + payment.authority)
    assert "Status=OK" in response["Location"] and "Signature=" in response["Location"]
    assert SandboxCharge.objects.get(authority=payment.authority).status == "paid"
    # Deciding twice changes nothing; the page now offers the way back.
    client.post(url, {"action": "cancel"})
    assert SandboxCharge.objects.get(authority=payment.authority).status == "paid"
    assert "پیش‌تر انجام شده" in client.get(url).content.decode()
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.INITIATED  # until our callback verifies


def test_sandbox_page_unknown_authority_is_404(client, db):
    assert client.get(reverse("escrow:sandbox_pay", args=["SNOPE"])).status_code == 404


def test_user_menu_links_to_the_wallet(client, db):
    user = UserFactory()
    assert client.login(email=user.email, password=PASSWORD)
    html = client.get(reverse("escrow:wallet")).content.decode()
    assert f'href="{reverse("escrow:wallet")}"' in html and "کیف پول" in html


@pytest.mark.parametrize("model", ["account", "transfer", "payment", "payout"])
def test_admin_is_read_only(client, db, model):
    from escrow.models import Transfer

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    pay(UserFactory(), order_ref=1, amount=10_000)
    assert client.get(reverse(f"admin:escrow_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:escrow_{model}_add")).status_code == 403
    if model == "transfer":
        transfer = Transfer.objects.get()
        html = client.get(reverse("admin:escrow_transfer_change", args=[transfer.pk])).content.decode()
        assert "10000" in html or "10,000" in html or "۱۰٬۰۰۰" in html


def test_beat_tasks_run(db):
    from escrow.tasks import earnings_clear_task, payment_reconcile_task

    assert earnings_clear_task.delay().get() == 0
    assert payment_reconcile_task.delay().get() == {}
