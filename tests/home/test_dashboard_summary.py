"""The dashboard's kept figures (home.summary): always what the order and review rows say, after
orders move, as time passes, per expert, and in the same number of queries for 5 or 500 orders."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from home import summary
from orders import actions as order_actions
from orders.models import Order
from reviews import metrics
from reviews.models import Review, price_band
from services.models import Service
from tests.accounts.factories import UserFactory
from tests.orders.factories import delivered_order, in_progress_order
from tests.services.factories import ServiceFactory

pytestmark = pytest.mark.django_db

S = Order.Status


def by_state_on_page(client) -> dict[str, int]:
    """The «orders by state» list as the expert sees it: {status: number} (Persian digits read back)."""
    html = client.get(reverse("home:dashboard")).content.decode()
    block = html.split('data-testid="orders-by-state"')[1].split("</ul>")[0]
    digits = str.maketrans("۰۱۲۳۴۵۶۷۸۹٬", "0123456789,")
    return {status: int(n.translate(digits).replace(",", ""))
            for status, n in re.findall(r"\?status=(\w+)\">[^<]*</a><strong>([^<]+)</strong>", block)}


def by_state_in_rows(expert) -> dict[str, int]:
    counts = dict.fromkeys(S.values, 0)
    for order in Order.objects.filter(expert=expert):
        counts[order.status] += 1
    return counts


def bulk_orders(expert, n: int, *, status=S.COMPLETED, **fields) -> list[Order]:
    """`n` order rows of `expert` (rows only: for counts and speed, not for money)."""
    service = Service.objects.filter(owner=expert).first() or ServiceFactory(owner=expert,
                                                                             status=Service.Status.PUBLISHED)
    buyer = UserFactory()
    now = timezone.now()
    defaults = {"paid_at": now - dt.timedelta(days=5), "due_at": now - dt.timedelta(days=2),
                "delivered_at": now - dt.timedelta(days=3),
                "completed_at": now - dt.timedelta(days=1) if status == S.COMPLETED else None}
    return Order.objects.bulk_create([
        Order(buyer=buyer, expert=expert, service=service, title=service.title, package_tier="basic",
              package_title="پایه", package_description="-", price=1_000_000, total=1_000_000, delivery_days=3,
              status=status, **{**defaults, **fields})
        for _ in range(n)
    ])


def test_orders_by_state_follow_an_order_that_moves(client):
    first = delivered_order()
    expert = first.expert
    second = in_progress_order(service=ServiceFactory(owner=expert, status=Service.Status.PUBLISHED))
    client.force_login(expert)
    before = by_state_on_page(client)
    assert before == by_state_in_rows(expert)
    assert (before[S.DELIVERED], before[S.IN_PROGRESS], before[S.COMPLETED]) == (1, 1, 0)
    assert by_state_on_page(client) == before  # second view: from the kept figures

    order_actions.order_confirm(order_id=first.pk, actor=first.buyer)
    order_actions.order_deliver(order_id=second.pk, actor=expert, message="تحویل شد.", files=[])
    after = by_state_on_page(client)
    assert after == by_state_in_rows(expert)
    assert (after[S.DELIVERED], after[S.IN_PROGRESS], after[S.COMPLETED]) == (1, 0, 1)
    assert summary.stale_entries([expert.pk]) == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_move_reaches_the_kept_figures():
    order = delivered_order()
    expert = order.expert
    client = Client()
    client.force_login(expert)
    assert by_state_on_page(client)[S.DELIVERED] == 1
    version = summary.version(expert.pk)
    order_actions.order_confirm(order_id=order.pk, actor=order.buyer)  # its own committed transaction
    assert summary.version(expert.pk) > version
    page = by_state_on_page(client)
    assert (page[S.DELIVERED], page[S.COMPLETED]) == (0, 1)
    call_command("check_dashboard")


def test_check_dashboard_names_a_kept_figure_the_rows_no_longer_support(client):
    order = delivered_order()
    client.force_login(order.expert)
    by_state_on_page(client)
    call_command("check_dashboard", order.expert.pk)
    # A write that goes around Order.save() (raw SQL, a queryset update) raises no version.
    Order.objects.filter(pk=order.pk).update(status=S.CANCELLED, cancelled_at=timezone.now())
    with pytest.raises(CommandError, match="differ from the rows"):
        call_command("check_dashboard", order.expert.pk)


def test_one_expert_never_sees_anothers_figures():
    mine = delivered_order()
    theirs = in_progress_order()
    bulk_orders(theirs.expert, 3, status=S.CANCELLED)
    me, them = Client(), Client()
    me.force_login(mine.expert)
    them.force_login(theirs.expert)
    assert by_state_on_page(me) == by_state_in_rows(mine.expert)
    assert by_state_on_page(them) == by_state_in_rows(theirs.expert)
    order_actions.order_confirm(order_id=mine.pk, actor=mine.buyer)
    assert by_state_on_page(them) == by_state_in_rows(theirs.expert) != by_state_in_rows(mine.expert)
    mine_now = by_state_on_page(me)
    assert mine_now == by_state_in_rows(mine.expert)
    assert (mine_now[S.COMPLETED], mine_now[S.CANCELLED], mine_now[S.IN_PROGRESS]) == (1, 0, 0)


@pytest.mark.parametrize("orders", [5, 500])
def test_dashboard_queries_do_not_grow_with_orders(client, django_assert_max_num_queries, orders):
    expert = in_progress_order().expert
    bulk_orders(expert, orders - 1)
    client.force_login(expert)
    with django_assert_max_num_queries(8):  # first view: the kept figures are computed (2 aggregates)
        first = by_state_on_page(client)
    with django_assert_max_num_queries(3):  # then: the user, the profile and one statement of live figures
        again = by_state_on_page(client)
    assert first == again == by_state_in_rows(expert)
    assert first[S.COMPLETED] == orders - 1


def test_figures_stop_being_kept_when_time_alone_changes_them(client, monkeypatch):
    order = in_progress_order()
    expert = order.expert
    now = timezone.now()
    due = now + dt.timedelta(days=summary.DUE_SOON_DAYS, minutes=30)
    Order.objects.filter(pk=order.pk).update(due_at=due)
    client.force_login(expert)
    assert client.get(reverse("home:dashboard")).status_code == 200
    kept = summary.figures(expert.pk)
    assert (kept["due"], kept["late"]) == (0, 0)
    # Kept until the order falls due within two days, not a moment longer.
    assert kept["until"] == pytest.approx((due - dt.timedelta(days=summary.DUE_SOON_DAYS)).timestamp(), abs=1)
    later = due - dt.timedelta(days=summary.DUE_SOON_DAYS) + dt.timedelta(seconds=1)
    monkeypatch.setattr(summary.time, "time", lambda: later.timestamp())
    monkeypatch.setattr(summary.timezone, "now", lambda: later)
    moved = summary.figures(expert.pk)
    assert (moved["due"], moved["late"]) == (1, 0)
    # Then until it is late.
    soon = summary.compute(expert.pk, now=due - dt.timedelta(minutes=10))
    assert soon["until"] == pytest.approx(due.timestamp())
    assert summary.compute(expert.pk, now=due + dt.timedelta(seconds=1))["late"] == 1


def test_level_progress_equals_the_levels_own_reading(client):
    done = delivered_order()
    expert = done.expert
    order_actions.order_confirm(order_id=done.pk, actor=done.buyer)
    now = timezone.now()
    bulk_orders(expert, 4)  # completed on time in the period
    bulk_orders(expert, 2, delivered_at=now - dt.timedelta(days=1))  # late
    bulk_orders(expert, 3, completed_at=now - dt.timedelta(days=400))  # before the period
    bulk_orders(expert, 2, status=S.CANCELLED, cancelled_at=now - dt.timedelta(days=3))
    bulk_orders(expert, 1, status=S.CANCELLED, paid_at=None, cancelled_at=now)  # never paid
    for order, stars in zip(Order.objects.filter(expert=expert, status=S.COMPLETED)[:3], (5, 4, 2), strict=True):
        Review.objects.create(order=order, side=Review.Side.BUYER, author=order.buyer, subject=expert,
                              service=order.service, rating=stars, communication=stars, as_described=stars,
                              on_time=5, text="نظر", package_title="پایه", price_band=price_band(order.price),
                              published_at=now)
    from home.selectors import expert_dashboard

    expert.refresh_from_db()
    mine = expert_dashboard(expert)["standing"]
    theirs = metrics.standing(expert.pk)
    assert (mine.level, mine.next_level) == (theirs.level, theirs.next_level)
    assert [(r.name, r.current, r.met) for r in mine.rules] == [(r.name, r.current, r.met) for r in theirs.rules]
    assert {r.name for r in mine.rules} >= {"completed_orders", "rating", "on_time_rate", "completion_rate"}
