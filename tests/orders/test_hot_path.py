"""The confirm-and-release hot path writes what the ORM calls it replaces wrote: the order lock and the
pending-cancellation look-up (SQL built once), the event and the order's update in one statement
(`Order.move_and_save`) with the same rows and signals, and Redis counters raised in one round trip."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save, pre_save

from orders import actions
from orders.actions._base import _lock
from orders.actions.cancellation import pending_cancellation
from orders.exceptions import OrderError
from orders.models import CancellationRequest, Order, OrderEvent

from . import factories as f

pytestmark = pytest.mark.django_db
S = Order.Status


def test_the_locked_order_is_the_orms_order():
    order = f.delivered_order(price=1_500_000)
    with transaction.atomic():
        locked = _lock(order.pk)
        ours = Order.objects.get(pk=order.pk)
        assert [getattr(locked, x.attname) for x in Order._meta.concrete_fields] == [
            getattr(ours, x.attname) for x in Order._meta.concrete_fields]
        assert not locked._state.adding and locked._state.db == "default"
        assert isinstance(locked.requirement_answers, list)  # JSON decoded as the ORM does
        with pytest.raises(OrderError) as missing:
            _lock(order.pk + 10_000)
        assert missing.value.code == "not_found"
        with pytest.raises(OrderError):
            _lock(10 ** 30)  # a huge id finds nothing, as the ORM's look-up did


def test_the_pending_cancellation_is_the_newest_pending_one():
    order = f.delivered_order()
    with transaction.atomic():
        assert pending_cancellation(order) is None
    actions.order_cancellation_request(order_id=order.pk, actor=order.buyer, reason="دیگر لازم نیست")
    with transaction.atomic():
        found = pending_cancellation(order)
    assert found == CancellationRequest.objects.get(order=order, status=CancellationRequest.Status.PENDING)
    assert found.reason == "دیگر لازم نیست" and not found._state.adding


def test_confirming_closes_a_pending_cancellation_before_completing():
    order = f.delivered_order()
    actions.order_cancellation_request(order_id=order.pk, actor=order.expert, reason="وقت ندارم")
    actions.order_confirm(order_id=order.pk, actor=order.buyer)
    assert CancellationRequest.objects.get(order=order).status == CancellationRequest.Status.WITHDRAWN
    kinds = list(order.events.order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == [OrderEvent.Kind.CANCELLATION_WITHDRAWN, OrderEvent.Kind.CONFIRMED]


def test_move_and_save_writes_and_signals_as_transition_and_save():
    order = f.delivered_order()
    seen = []

    def pre(sender, instance, update_fields=None, **kwargs):
        seen.append(("pre", sender.__name__, instance.pk, update_fields))

    def post(sender, instance, created=None, update_fields=None, **kwargs):
        seen.append(("post", sender.__name__, instance.pk, created, update_fields))

    for signal, receiver in ((pre_save, pre), (post_save, post)):
        for model in (Order, OrderEvent):
            signal.connect(receiver, sender=model, dispatch_uid=f"hot-path-{signal is pre_save}-{model.__name__}")
    try:
        with transaction.atomic():
            locked = _lock(order.pk)
            event = locked.move_and_save(S.COMPLETED, actor=order.buyer, kind=OrderEvent.Kind.CONFIRMED,
                                         completed_at=locked.delivered_at)
    finally:
        for signal in (pre_save, post_save):
            for model in (Order, OrderEvent):
                signal.disconnect(sender=model, dispatch_uid=f"hot-path-{signal is pre_save}-{model.__name__}")
    fields = frozenset({"status", "completed_at", "updated_at"})
    assert seen == [("pre", "OrderEvent", None, None), ("pre", "Order", order.pk, fields),
                    ("post", "OrderEvent", event.pk, True, None), ("post", "Order", order.pk, False, fields)]
    stored = OrderEvent.objects.get(pk=event.pk)
    assert (stored.order_id, stored.actor_id, stored.from_status, stored.to_status, stored.kind, stored.note) == (
        order.pk, order.buyer_id, S.DELIVERED, S.COMPLETED, OrderEvent.Kind.CONFIRMED, "")
    assert stored.created_at == event.created_at
    order.refresh_from_db()
    assert order.status == S.COMPLETED and order.completed_at == locked.delivered_at
    assert order.updated_at == locked.updated_at == event.created_at


def test_move_and_save_refuses_a_move_outside_the_map():
    from orders.exceptions import OrderTransitionError

    order = f.delivered_order()
    with transaction.atomic():
        locked = _lock(order.pk)
        with pytest.raises(OrderTransitionError):
            locked.move_and_save(S.AWAITING_REQUIREMENTS, kind=OrderEvent.Kind.PAID)
    assert Order.objects.get(pk=order.pk).status == S.DELIVERED
    assert not order.events.filter(kind=OrderEvent.Kind.PAID, from_status=S.DELIVERED).exists()


def test_cache_incr_raises_an_existing_counter_and_refuses_a_missing_one():
    cache.delete("hot-path-counter")
    with pytest.raises(ValueError):
        cache.incr("hot-path-counter")
    assert cache.get("hot-path-counter") is None
    cache.set("hot-path-counter", 41, None)
    assert cache.incr("hot-path-counter") == 42
    assert cache.incr("hot-path-counter", 8) == 50
    assert cache.get("hot-path-counter") == 50
    cache.delete("hot-path-counter")


@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused_as_select_for_update_is():
    order = f.delivered_order()
    with pytest.raises(transaction.TransactionManagementError):
        _lock(order.pk)
