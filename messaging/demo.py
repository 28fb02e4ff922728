# ruff: noqa: S311 - demo data; randomness is for variety, not security
"""Demo conversations for `manage.py seed_demo`, made through the real actions.

The demo buyer asks the demo expert about a service and gets an answer (and the order threads already
carry the orders' events). A few demo askers write to up to `MAX_EXPERTS` other experts of the
catalogue; the replies come after delays drawn per expert, the timestamps are moved into the past,
and `stats.compute()` then measures every expert's response time and rate from those rows, so the
fast-reply filter, cards and compare show measured figures.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from services.models import Service

from . import actions, stats
from .models import Conversation, Message

MAX_EXPERTS = 200
ASKERS = [("سارا", "محمدی"), ("رضا", "کریمی"), ("نگار", "حسینی"), ("امید", "جعفری")]
QUESTIONS = [
    "سلام، وقت بخیر. این کار را تا آخر هفته تحویل می‌دهید؟",
    "سلام. برای پکیج پایه، فایل لایه‌باز هم می‌دهید؟",
    "ببخشید، قبل از سفارش می‌خواستم بدانم نمونه‌کار مشابه دارید؟",
    "سلام، اگر متن را خودم بفرستم قیمت تغییر می‌کند؟",
]
ANSWERS = [
    "سلام، بله حتماً. بعد از ثبت سفارش و ارسال نیازمندی‌ها شروع می‌کنم.",
    "سلام، بله؛ در پکیج استاندارد فایل لایه‌باز هم هست.",
    "سلام، بله. چند نمونه در گالری همین خدمت هست.",
    "سلام، نه؛ قیمت همان است و فقط زمان تحویل کوتاه‌تر می‌شود.",
]


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _askers():
    User = get_user_model()
    users = []
    for i, (first, last) in enumerate(ASKERS, start=1):
        email = f"asker{i}@demo.azmoodegan.ir"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, DEMO_PASSWORD, first_name=first, last_name=last
        )
        users.append(user)
    return users


def _backdate(conv: Conversation, asked_at, answered_at) -> None:
    msgs = list(conv.messages.filter(kind=Message.Kind.TEXT).order_by("id"))
    if not msgs:
        return
    Message.objects.filter(pk=msgs[0].pk).update(created_at=asked_at)
    if len(msgs) > 1 and answered_at is not None:
        Message.objects.filter(pk__in=[m.pk for m in msgs[1:]]).update(created_at=answered_at)
    last = answered_at or asked_at
    Conversation.objects.filter(pk=conv.pk).update(
        buyer_first_at=asked_at, expert_first_reply_at=answered_at, last_activity_at=last,
        created_at=asked_at, buyer_read_at=last, expert_read_at=last if answered_at else None,
    )


def seed(stdout=None, **options) -> None:
    User = get_user_model()
    buyer = User.objects.filter(email=DEMO_USERS["buyer"]).first()
    expert = User.objects.filter(email=DEMO_USERS["expert"]).first()
    if Conversation.objects.filter(order__isnull=True, buyer__email__endswith="@demo.azmoodegan.ir").exists():
        _say(stdout, "Messaging: demo conversations already there.")
        stats.compute()
        return
    now = timezone.now()
    made = 0
    if buyer and expert:
        service = Service.objects.filter(owner=expert, status=Service.Status.PUBLISHED).order_by("pk").first()
        conv = actions.conversation_for(buyer, expert, service)
        actions.message_send(conv, buyer, "سلام آقای رضایی، قبل از سفارش: قرارداد اجاره دو صفحه است، "
                                          "پکیج پایه کافی است؟")
        actions.message_send(conv, expert, "سلام، بله پکیج پایه کافی است. بعد از سفارش، متن قرارداد را "
                                           "در بخش نیازمندی‌ها بفرستید.")
        _backdate(conv, now - dt.timedelta(days=2, hours=3), now - dt.timedelta(days=2, hours=2, minutes=20))
        actions.message_send(conv, buyer, "ممنون، همین امروز سفارش می‌دهم.")
        made += 1
    experts = list(
        Service.objects.filter(status=Service.Status.PUBLISHED).exclude(owner=expert)
        .order_by("owner_id").values_list("owner_id", flat=True).distinct()[:MAX_EXPERTS]
    )
    askers = _askers()
    services = dict(
        Service.objects.filter(owner_id__in=experts, status=Service.Status.PUBLISHED).order_by("owner_id", "-pk")
        .values_list("owner_id", "pk")
    )
    service_rows = {s.pk: s for s in Service.objects.filter(pk__in=services.values())}
    owners = {u.pk: u for u in User.objects.filter(pk__in=experts).select_related("expert_profile")}
    for n, expert_id in enumerate(experts):
        rng = random.Random(f"messaging-demo:{expert_id}")
        # Three experts in four answer within a day, most within a few hours; every fourth takes days
        # (so the fast-reply filter always has someone to leave out).
        fast = n % 4 != 3
        for k in range(2):
            asker = askers[(n + k) % len(askers)]
            with transaction.atomic():
                conv = actions.conversation_for(asker, owners[expert_id], service_rows.get(services.get(expert_id)))
                actions.message_send(conv, asker, QUESTIONS[(n + k) % len(QUESTIONS)])
                asked = now - dt.timedelta(days=rng.randint(3, 60), minutes=rng.randint(0, 600))
                if fast:
                    delay = dt.timedelta(seconds=int(300 * (200 ** rng.random())))
                else:
                    delay = dt.timedelta(hours=rng.randint(26, 96))
                answered = asked + delay if rng.random() < 0.95 else None
                if answered is not None:
                    actions.message_send(conv, owners[expert_id], ANSWERS[(n + k) % len(ANSWERS)])
                _backdate(conv, asked, answered)
            made += 1
    written = stats.compute()
    _say(stdout, f"Messaging: {made} demo conversations; response statistics for {written} experts.")
