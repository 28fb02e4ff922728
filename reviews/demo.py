# ruff: noqa: S311 - demo data; randomness is for variety, not security
"""Real completed orders and reviews for `manage.py seed_demo` (runs after orders.demo).

Every figure the demo shows comes from these rows: a few demo buyers order services of the demo
catalogue through the orders' actions (sandbox payment, requirements, delivery, confirmation),
then both sides review through `reviews.actions`, so the escrow ledger, the rating totals, the
experts' completed orders, on-time and completion rates and their levels are all real. One
completed order of the demo buyer is left unreviewed (try the invitation in the browser), and
search's invented on-time rates are replaced by the measured ones.

Idempotent: nothing is added once the demo reviewers have orders. Bounded: the base catalogue
only (never the `--services N` scale rows).
"""

from __future__ import annotations

import random

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import User
from orders import actions as order_actions
from orders.demo import _paid_order, _requirements
from orders.models import Order
from services.models import Package, Service

from . import actions
from .metrics import recompute_all_levels, refresh_expert_stats

REVIEWERS = [
    ("sara.ahmadi", "سارا", "احمدی"), ("reza.moradi", "رضا", "مرادی"), ("neda.karimi", "ندا", "کریمی"),
    ("hamid.jafari", "حمید", "جعفری"), ("leila.hosseini", "لیلا", "حسینی"), ("omid.rahimi", "امید", "رحیمی"),
    ("zahra.sadeghi", "زهرا", "صادقی"), ("babak.nazari", "بابک", "نظری"),
]
BUYER_TEXTS = {
    5: ["کار بسیار دقیق و حرفه‌ای بود؛ همه‌ی پرسش‌هایم را با حوصله پاسخ دادند و زودتر از موعد تحویل شد.",
        "دقیقاً همان چیزی بود که می‌خواستم. ارتباط عالی و نتیجه‌ی تمیز. باز هم سفارش می‌دهم.",
        "پیش از شروع کار همه‌چیز را روشن کردند و در هر مرحله خبر دادند. کاملاً راضی‌ام.",
        ""],
    4: ["نتیجه خوب بود و به‌موقع رسید؛ فقط یک بار اصلاح لازم شد که سریع انجام شد.",
        "کار قابل قبول و تمیزی بود. کمی دیرتر از انتظارم پاسخ پیام‌ها را می‌دادند.",
        ""],
    3: ["کار انجام شد اما برای رسیدن به نتیجه‌ی دلخواه چند بار توضیح دادم."],
}
EXPERT_TEXTS = ["خریدار خواسته‌اش را روشن توضیح داد و به‌موقع پاسخ داد. همکاری خوبی بود.",
                "توضیحات کامل و پرداخت به‌موقع؛ کار با ایشان لذت‌بخش بود.", ""]
REPLIES = ["از لطف شما سپاسگزارم؛ خوشحالم که نتیجه به کارتان آمد.",
           "ممنون از بازخوردتان. نکته‌ی شما را در کارهای بعدی رعایت می‌کنم."]
# Completed orders per expert of the base catalogue (by position): a few experts earn a level.
ORDERS_PER_EXPERT = [12, 11, 6, 4, 3, 2, 2, 1, 1, 0, 0, 0]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _reviewers() -> list[User]:
    users = []
    for handle, first, last in REVIEWERS:
        email = f"{handle}@demo.azmoodegan.ir"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, first_name=first, last_name=last)
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        users.append(user)
    return users


def _completed_order(buyer: User, package: Package) -> Order:
    order = _paid_order(buyer, package)
    _requirements(order, buyer)
    order_actions.order_deliver(
        order_id=order.pk, actor=package.service.owner, message="کار انجام شد؛ فایل نهایی پیوست است.",
        files=[SimpleUploadedFile("نتیجه.txt", "نتیجه‌ی کار".encode(), content_type="text/plain")],
    )
    return order_actions.order_confirm(order_id=order.pk, actor=buyer)


def _buyer_rating(rng: random.Random, *, busy: bool) -> int:
    """Busy experts (10+ orders) are the well-rated ones, so the demo shows a level one expert."""
    return rng.choices([5, 4, 3], weights=[92, 8, 0] if busy else [75, 20, 5])[0]


def seed(stdout=None, **options) -> None:
    reviewers = _reviewers()
    if Order.objects.filter(buyer__in=reviewers).exists():
        _say(stdout, "Reviews: demo orders and reviews already there.")
        return
    experts = list(
        User.objects.filter(services__status=Service.Status.PUBLISHED, expert_profile__isnull=False,
                            email__endswith="@demo.azmoodegan.ir")
        .exclude(email=DEMO_USERS["expert"]).distinct().order_by("pk")
    )
    demo_expert = User.objects.filter(email=DEMO_USERS["expert"]).first()
    plan = list(zip(experts, ORDERS_PER_EXPERT, strict=False))
    if demo_expert is not None:
        plan.insert(0, (demo_expert, 5))
    orders = reviews = 0
    for n, (expert, count) in enumerate(plan):
        packages = list(Package.objects.filter(service__owner=expert, service__status=Service.Status.PUBLISHED)
                        .select_related("service").order_by("service_id", "price")[:6])
        if not packages or not count:
            continue
        rng = random.Random(f"reviews-demo:{expert.email}")
        for k in range(count):
            buyer = reviewers[(n + k) % len(reviewers)]
            order = _completed_order(buyer, packages[k % len(packages)])
            orders += 1
            if k == count - 1 and n % 3 == 1:
                continue  # left for the review window: a real order not reviewed yet
            stars = _buyer_rating(rng, busy=count >= 10)
            buyer_review = actions.review_submit(
                order_id=order.pk, actor=buyer, rating=stars,
                communication=min(5, stars + rng.choice([0, 0, 1])), as_described=stars,
                on_time=rng.choice([stars, 5]), text=rng.choice(BUYER_TEXTS[stars]),
            )
            reviews += 1
            if k % 4 == 3:
                continue  # only the buyer wrote: hidden from the expert until the window closes
            actions.review_submit(order_id=order.pk, actor=expert, rating=rng.choice([5, 5, 4]),
                                  text=rng.choice(EXPERT_TEXTS))
            reviews += 1
            if buyer_review.text and rng.random() < 0.4:
                actions.reply_create(review_id=buyer_review.pk, actor=expert, text=rng.choice(REPLIES))
    # The demo buyer: one completed order waiting for their review.
    buyer = User.objects.filter(email=DEMO_USERS["buyer"]).first()
    if buyer is not None and demo_expert is not None:
        package = (Package.objects.filter(service__owner=demo_expert, service__status=Service.Status.PUBLISHED)
                   .select_related("service").order_by("price").first())
        if package is not None:
            _completed_order(buyer, package)
            orders += 1
    _measured_on_time()
    levels = recompute_all_levels()
    _say(stdout, f"Reviews: {orders} completed orders, {reviews} reviews; levels {levels}.")


def _measured_on_time() -> None:
    """Replace invented on-time rates by the measured ones (none where nothing was completed yet)."""
    from search.models import ExpertStats

    ExpertStats.objects.update(on_time_rate=None)
    for expert_id in Order.objects.filter(status=Order.Status.COMPLETED).values_list("expert_id", flat=True).distinct():
        refresh_expert_stats(expert_id)
