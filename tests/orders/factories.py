"""Orders in any state, made through the real actions so the ledger matches."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from escrow import actions as escrow
from escrow.gateways.sandbox import callback_redirect, charge_decide
from escrow.models import SandboxCharge
from orders import actions
from orders.models import Order
from services.models import Service
from tests.accounts.factories import UserFactory
from tests.services.factories import PackageFactory, ServiceFactory


def package(**kwargs):
    service = kwargs.pop("service", None) or ServiceFactory(status=Service.Status.PUBLISHED)
    return PackageFactory(service=service, **kwargs)


def pdf(name="doc.pdf", body=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def callback_params(payment) -> dict:
    """The query parameters the sandbox bank puts on its redirect for `payment`."""
    from urllib.parse import parse_qsl, urlsplit

    charge = SandboxCharge.objects.get(authority=payment.authority)
    return dict(parse_qsl(urlsplit(callback_redirect(charge)).query))


def pending_order(buyer=None, of_package=None, **package_kwargs) -> Order:
    """An order of `of_package`, or of a new package made with `package_kwargs`."""
    return actions.order_create(buyer=buyer or UserFactory(), package=of_package or package(**package_kwargs))


def start_payment(order: Order):
    payment, _url = actions.order_pay_start(
        order_id=order.pk, actor=order.buyer, callback_url=f"http://testserver/orders/{order.pk}/payment/callback/",
        gateway="sandbox",
    )
    return payment


def paid_order(buyer=None, **package_kwargs) -> Order:
    order = pending_order(buyer, **package_kwargs)
    payment = start_payment(order)
    charge_decide(authority=payment.authority, pay=True)
    actions.order_payment_callback(order_id=order.pk, params=callback_params(payment), gateway="sandbox")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_REQUIREMENTS
    return order


def in_progress_order(**kwargs) -> Order:
    order = paid_order(**kwargs)
    return actions.order_submit_requirements(
        order_id=order.pk, actor=order.buyer, answers={}, description="قرارداد را بررسی کنید.", files=[pdf()],
    )


def delivered_order(**kwargs) -> Order:
    order = in_progress_order(**kwargs)
    return actions.order_deliver(order_id=order.pk, actor=order.expert, message="تحویل شد.", files=[pdf("out.pdf")])


__all__ = ["escrow", "UserFactory"]


def emails_sent_so_far() -> None:
    """Send what the outbox holds from setting the order up, and forget it: a test then counts the
    emails of the step it is about. (Outside transactional tests nothing commits, so nothing drains.)"""
    from django.core import mail

    from outbox.api import drain

    drain()
    mail.outbox.clear()
