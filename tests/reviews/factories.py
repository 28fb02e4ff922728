"""Completed orders through the real order actions, and bulk-loaded reviews for speed tests."""

from __future__ import annotations

import random

from django.utils import timezone

from escrow.gateways.sandbox import charge_decide
from orders import actions as order_actions
from orders.models import Order
from reviews import actions
from reviews.checks import recompute_all
from reviews.models import Review, price_band
from tests.accounts.factories import UserFactory
from tests.orders import factories as of


def completed_order(package=None, buyer=None, **kwargs) -> Order:
    """An order taken through payment, requirements, delivery and confirmation by the real actions."""
    package = package or of.package(**kwargs)
    order = order_actions.order_create(buyer=buyer or UserFactory(), package=package)
    payment = of.start_payment(order)
    charge_decide(authority=payment.authority, pay=True)
    order_actions.order_payment_callback(order_id=order.pk, params=of.callback_params(payment), gateway="sandbox")
    order_actions.order_submit_requirements(order_id=order.pk, actor=order.buyer, answers={},
                                            description="توضیح", files=[of.pdf()])
    order_actions.order_deliver(order_id=order.pk, actor=order.expert, message="تحویل شد.", files=[of.pdf("o.pdf")])
    order_actions.order_confirm(order_id=order.pk, actor=order.buyer)
    order.refresh_from_db()
    return order


def paid_order_of(package, buyer=None) -> Order:
    order = order_actions.order_create(buyer=buyer or UserFactory(), package=package)
    payment = of.start_payment(order)
    charge_decide(authority=payment.authority, pay=True)
    order_actions.order_payment_callback(order_id=order.pk, params=of.callback_params(payment), gateway="sandbox")
    return order


def buyer_review(order, rating=5, *, communication=5, as_described=5, on_time=5, text="عالی بود"):
    return actions.review_submit(order_id=order.pk, actor=order.buyer, rating=rating, communication=communication,
                                 as_described=as_described, on_time=on_time, text=text)


def expert_review(order, rating=5, text="خریدار خوش‌قول"):
    return actions.review_submit(order_id=order.pk, actor=order.expert, rating=rating, text=text)


def bulk_reviews(service, n: int, *, seed: int = 1) -> None:
    """`n` completed orders of `service`, each with a published buyer review (rows only, then exact totals)."""
    rng = random.Random(seed)
    buyer = UserFactory()
    package = service.packages.first()
    now = timezone.now()
    orders = Order.objects.bulk_create([
        Order(buyer=buyer, expert=service.owner, service=service, package=package, title=service.title,
              package_tier="basic", package_title="بسته پایه", package_description="-", price=1_200_000,
              total=1_200_000, delivery_days=3, status=Order.Status.COMPLETED, completed_at=now)
        for _ in range(n)
    ], batch_size=1000)
    reviews = []
    for i, order in enumerate(orders):
        stars = rng.choice([3, 4, 5, 5, 5])
        reviews.append(Review(order=order, side="buyer", author=buyer, subject=service.owner, service=service,
                              rating=stars, communication=stars, as_described=stars, on_time=5, text=f"نظر {i}",
                              package_title="بسته پایه", price_band=price_band(1_200_000), published_at=now,
                              helpful_count=rng.randint(0, 9)))
    Review.objects.bulk_create(reviews, batch_size=1000)
    recompute_all()
