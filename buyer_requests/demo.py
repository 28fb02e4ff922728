"""Demo buyer requests and offers for `manage.py seed_demo`, made through the actions.

The demo buyer posts public requests in the demo expert's categories (staff approve them, as a
new account's requests wait for review), the demo expert and another expert of the category send
offers, and one custom request goes to the demo expert with an offer in their conversation.
Idempotent: nothing is added once the demo buyer has requests.
"""

from __future__ import annotations

from accounts.demo import DEMO_USERS
from accounts.models import User
from services.models import Service

from . import actions
from .models import BuyerRequest

REQUESTS = [
    ("بررسی قرارداد پیش‌فروش آپارتمان", "قرارداد پیش‌فروش یک آپارتمان در کرج را پیش از امضا بررسی کنید و بندهای "
     "پرخطر را با پیشنهاد اصلاح مشخص کنید.", 800_000, 2_000_000, 5),
    ("تنظیم قرارداد همکاری دو شریک", "برای یک کسب‌وکار کوچک آنلاین با دو شریک، قرارداد همکاری با سهم سود، "
     "خروج شریک و حل اختلاف لازم داریم.", 1_500_000, 4_000_000, 10),
    ("مشاوره دربارهٔ ودیعهٔ اجاره", "صاحب‌خانه ودیعه را پس نمی‌دهد؛ راهنمایی می‌خواهم که چه مدارکی لازم است و "
     "از کجا شروع کنم.", 300_000, 700_000, 3),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def seed(stdout=None, **options) -> None:
    buyer = User.objects.filter(email=DEMO_USERS["buyer"]).first()
    expert = User.objects.filter(email=DEMO_USERS["expert"]).first()
    staff = User.objects.filter(email=DEMO_USERS["staff"]).first()
    if buyer is None or expert is None:
        _say(stdout, "Requests: demo users missing; skipped.")
        return
    if BuyerRequest.objects.filter(buyer=buyer).exists():
        _say(stdout, "Requests: demo requests already there.")
        return
    service = Service.objects.filter(owner=expert, status=Service.Status.PUBLISHED).select_related("category").first()
    if service is None:
        _say(stdout, "Requests: the demo expert has no published service; skipped.")
        return
    other = (Service.objects.filter(category=service.category, status=Service.Status.PUBLISHED)
             .exclude(owner__in=[expert, buyer]).select_related("owner").first())
    made = []
    for title, description, low, high, days in REQUESTS:
        req = actions.request_create_public(buyer=buyer, category=service.category, title=title,
                                            description=description, budget_min=low * 10, budget_max=high * 10,
                                            deadline_days=days)
        if req.moderation != BuyerRequest.Moderation.APPROVED and staff is not None:
            actions.request_moderate(request_id=req.pk, staff=staff, approve=True)
        made.append(req)
    # Two offers on the first request (compare them as the buyer), one on the second.
    actions.offer_send(expert=expert, request=made[0], service=service, title="بررسی کامل قرارداد پیش‌فروش",
                       description="بررسی همهٔ بندها، فهرست خطرها و متن پیشنهادی برای اصلاح، با یک جلسهٔ تلفنی.",
                       price=1_500_000 * 10, delivery_days=3, revisions=2, expiry_days=7)
    if other is not None:
        actions.offer_send(expert=other.owner, request=made[0], service=other, title="بررسی قرارداد و گزارش کتبی",
                           description="گزارش کتبی بندهای پرخطر و پیشنهاد اصلاح برای هر بند، در چهار روز.",
                           price=1_100_000 * 10, delivery_days=4, revisions=1, expiry_days=7)
    actions.offer_send(expert=expert, request=made[1], service=service, title="قرارداد همکاری کامل",
                       description="پیش‌نویس قرارداد همکاری با سهم سود، خروج شریک و داوری، و دو بار اصلاح.",
                       price=3_000_000 * 10, delivery_days=7, revisions=2, expiry_days=10)
    # A custom request to the demo expert, answered with an offer in their conversation.
    custom = actions.request_create_custom(
        buyer=buyer, expert=expert, service=service, title="بررسی فوری قرارداد رهن",
        description="قرارداد رهن کامل یک واحد مسکونی را تا فردا بررسی کنید؛ نگران بند تخلیه هستم.",
        budget_min=500_000 * 10, budget_max=1_000_000 * 10, deadline_days=1,
    )
    actions.offer_send(expert=expert, request=custom, service=service, title="بررسی فوری قرارداد رهن",
                       description="بررسی همهٔ بندها با تمرکز بر تخلیه و ودیعه، تحویل تا فردا.",
                       price=900_000 * 10, delivery_days=1, revisions=1, expiry_days=3)
    _say(stdout, f"Requests: {len(made)} public requests and 1 custom request with offers.")
