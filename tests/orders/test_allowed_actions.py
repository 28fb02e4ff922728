"""One rule for "what may this user do with this order now", the page built from it, the settlement
arithmetic shared by the dispute action and the admin preview, and the OrderEvent.kind data migration."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from escrow import ledger
from orders import actions
from orders.models import Dispute, Order, OrderEvent
from orders.selectors import OrderAction as A
from orders.selectors import order_allowed_actions
from tests.accounts.factories import UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db


def test_each_status_offers_each_party_what_the_actions_accept():
    order = f.pending_order()
    buyer, expert, staff, stranger = order.buyer, order.expert, UserFactory(is_staff=True), UserFactory()
    assert order_allowed_actions(order, buyer) == {A.PAY, A.CANCEL}
    assert order_allowed_actions(order, expert) == set()
    assert order_allowed_actions(order, staff) == order_allowed_actions(order, stranger) == set()

    order = f.paid_order()
    assert order_allowed_actions(order, order.buyer) == {A.SEND_REQUIREMENTS, A.CANCEL}

    order = f.in_progress_order()
    assert order_allowed_actions(order, order.buyer) == {A.OPEN_DISPUTE, A.ASK_CANCELLATION}  # not late: no cancel
    assert order_allowed_actions(order, order.expert) == {A.DELIVER, A.REQUEST_EXTENSION, A.OPEN_DISPUTE,
                                                          A.ASK_CANCELLATION}
    actions.order_extension_request(order_id=order.pk, actor=order.expert, days=2, reason="کار بیشتر شد")
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    order.refresh_from_db()
    assert order_allowed_actions(order, order.buyer) == {A.CANCEL, A.ANSWER_EXTENSION, A.OPEN_DISPUTE,
                                                         A.ASK_CANCELLATION}
    assert order_allowed_actions(order, order.expert) == {A.DELIVER, A.WITHDRAW_EXTENSION, A.OPEN_DISPUTE,
                                                          A.ASK_CANCELLATION}
    # A request to cancel by agreement: the asker may withdraw it, the other side answers.
    actions.order_cancellation_request(order_id=order.pk, actor=order.expert, reason="نمی‌رسم")
    order.refresh_from_db()
    assert A.ANSWER_CANCELLATION in order_allowed_actions(order, order.buyer)
    assert A.WITHDRAW_CANCELLATION in order_allowed_actions(order, order.expert)
    # What the page offers, the action accepts.
    actions.order_cancel(order_id=order.pk, actor=order.buyer)
    order.refresh_from_db()
    assert order_allowed_actions(order, order.buyer) == set()

    order = f.delivered_order()  # one revision in the package
    assert order_allowed_actions(order, order.buyer) == {A.CONFIRM, A.REQUEST_REVISION, A.OPEN_DISPUTE,
                                                         A.ASK_CANCELLATION}
    actions.order_request_revision(order_id=order.pk, actor=order.buyer, note="بند ۳ را هم ببینید")
    actions.order_deliver(order_id=order.pk, actor=order.expert, message="دوباره")
    order.refresh_from_db()
    assert order_allowed_actions(order, order.buyer) == {A.CONFIRM, A.OPEN_DISPUTE,
                                                         A.ASK_CANCELLATION}  # revisions used up
    actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="کیفیت")
    order = Order.objects.get(pk=order.pk)
    assert order_allowed_actions(order, order.buyer) == set()
    assert order_allowed_actions(order, order.expert) == {A.RESPOND_DISPUTE}  # the other side answers


def test_the_order_page_shows_only_the_allowed_forms(client):
    order = f.in_progress_order()
    client.force_login(order.buyer)
    html = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="cancel"' not in html and 'data-testid="dispute-open"' in html
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert 'data-testid="cancel"' in client.get(order.get_absolute_url()).content.decode()
    client.force_login(order.expert)
    html = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="deliver"' in html and 'data-testid="cancel"' not in html


@pytest.mark.parametrize(("outcome", "buyer_amount", "expected"), [
    (Dispute.Outcome.REFUND, 0, (1_100_000, 0, 0, 0)),
    (Dispute.Outcome.RELEASE, 0, (0, 1_000_000, 100_000, 100_000)),
    (Dispute.Outcome.SPLIT, 400_000, (400_000, 600_000, 60_000, 100_000)),
    # 100% of the price to the buyer is a full refund: the fee goes back too (one rule for the fee).
    (Dispute.Outcome.SPLIT, 1_000_000, (1_100_000, 0, 0, 0)),
])
def test_settlement_arithmetic(settings, outcome, buyer_amount, expected):
    settings.COMMISSION_PERCENT = 10
    s = actions.dispute_settlement(outcome, held=1_100_000, buyer_fee=100_000, buyer_amount=buyer_amount)
    assert (s.buyer, s.expert, s.commission, s.fee_kept) == expected
    assert s.buyer + s.expert + s.fee_kept == 1_100_000  # the escrow is emptied, to the Rial
    assert s.expert_net == s.expert - s.commission


def test_the_resolution_moves_what_the_settlement_says(settings):
    settings.COMMISSION_PERCENT = 10
    order = f.delivered_order(price=2_000_000)
    actions.order_dispute_open(order_id=order.pk, actor=order.buyer, reason="کیفیت")
    held = ledger.escrow_balance(order.pk)
    expected = actions.dispute_settlement(Dispute.Outcome.SPLIT, held=held, buyer_fee=order.buyer_fee,
                                          buyer_amount=500_000)
    actions.order_dispute_resolve(order_id=order.pk, actor=UserFactory(is_staff=True), outcome="split",
                                  buyer_amount=500_000, note="نیمی از کار انجام شد")
    assert ledger.user_balances(order.buyer)["available"] == expected.buyer
    assert ledger.user_balances(order.expert)["pending"] == expected.expert_net


def test_the_data_migration_gives_free_text_kinds_a_known_kind():
    order = f.paid_order()
    event = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAID).get()
    OrderEvent.objects.filter(pk=event.pk).update(kind="awaiting_requirements")  # the old fallback: the status
    migration = importlib.import_module("orders.migrations.0003_orderevent_kind_choices")
    migration.known_kinds(apps, None)
    assert OrderEvent.objects.get(pk=event.pk).kind == OrderEvent.Kind.PAID
    assert set(OrderEvent.objects.values_list("kind", flat=True)) <= set(OrderEvent.Kind.values)
