"""Demo orders between the demo buyer and the demo expert, for `manage.py seed_demo`.

Paid through the sandbox gateway's public functions, so the ledger holds exactly what a real
journey would leave. Idempotent: nothing is added once the demo buyer has orders with the expert.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.demo import DEMO_USERS
from accounts.models import User
from escrow import actions as escrow
from escrow.gateways.sandbox import charge_decide
from services.models import Package, Service

from . import actions
from .models import Order


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _paid_order(buyer: User, package: Package) -> Order:
    order = actions.order_create(buyer=buyer, package=package)
    payment, _url = actions.order_pay_start(
        order_id=order.pk, actor=buyer, gateway="sandbox",
        callback_url=f"http://localhost:8000/orders/{order.pk}/payment/callback/",
    )
    charge_decide(authority=payment.authority, pay=True)
    escrow.payment_verify(gateway="sandbox", authority=payment.authority, callback_params=None)
    order.refresh_from_db()
    return order


def _requirements(order: Order, buyer: User) -> Order:
    return actions.order_submit_requirements(
        order_id=order.pk, actor=buyer,
        answers={str(q.pk): "یک قرارداد اجاره‌ی مسکونی دوساله در تهران."
                 for q in order.service.requirement_questions.all() if q.kind != "file"},
        description="لطفاً بندهای فسخ و ودیعه را با دقت بررسی کنید.",
        files=[SimpleUploadedFile("قرارداد.txt", "متن نمونه‌ی قرارداد اجاره".encode(), content_type="text/plain")],
    )


def seed(stdout=None, **options) -> None:
    buyer = User.objects.filter(email=DEMO_USERS["buyer"]).first()
    expert = User.objects.filter(email=DEMO_USERS["expert"]).first()
    if buyer is None or expert is None:
        _say(stdout, "Orders: demo users missing; skipped.")
        return
    if Order.objects.filter(buyer=buyer, expert=expert).exists():
        _say(stdout, "Orders: demo orders already there.")
        return
    packages = list(
        Package.objects.filter(service__owner=expert, service__status=Service.Status.PUBLISHED)
        .select_related("service").order_by("service_id", "price")[:3]
    )
    if not packages:
        _say(stdout, "Orders: the demo expert has no published services; skipped.")
        return
    # 1. In progress: paid, requirements sent, the expert is working.
    order = _paid_order(buyer, packages[0])
    _requirements(order, buyer)
    # 2. Delivered: waiting for the buyer to confirm (try it in the browser).
    order = _paid_order(buyer, packages[min(1, len(packages) - 1)])
    _requirements(order, buyer)
    actions.order_deliver(
        order_id=order.pk, actor=expert, message="بررسی انجام شد؛ گزارش پیوست است.",
        files=[SimpleUploadedFile("گزارش-بررسی.txt", "بند ۴ و ۷ نیاز به اصلاح دارد.".encode(),
                                  content_type="text/plain")],
    )
    # 3. Waiting for requirements: paid, the buyer still has to describe the need.
    _paid_order(buyer, packages[min(2, len(packages) - 1)])
    _say(stdout, "Orders: 3 demo orders (in progress, delivered, awaiting requirements).")
