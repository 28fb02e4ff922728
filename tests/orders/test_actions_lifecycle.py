"""The order lifecycle through `orders.actions`, with the ledger checked after each story."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from escrow import ledger
from escrow.checks import run_checks
from escrow.exceptions import PaymentNotFound
from escrow.gateways.sandbox import charge_decide
from escrow.models import Payment
from orders import actions
from orders.exceptions import OrderError
from orders.models import Order, OrderEvent, OrderFile
from outbox.api import drain
from services.models import RequirementQuestion, Service
from tests.accounts.factories import UserFactory
from tests.services.factories import RequirementQuestionFactory

from . import factories as f

pytestmark = pytest.mark.django_db
S = Order.Status
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def assert_ledger_ok():
    problems = {name: result for name, result in run_checks().items() if result}
    assert problems == {}


def test_happy_path_releases_price_minus_commission():
    order = f.delivered_order(price=2_000_000)
    actions.order_confirm(order_id=order.pk, actor=order.buyer)
    order.refresh_from_db()
    assert order.status == S.COMPLETED and order.completed_at
    commission = 2_000_000 * settings.COMMISSION_PERCENT // 100
    assert ledger.user_balances(order.expert)["pending"] == 2_000_000 - commission
    assert ledger.balance(ledger.revenue_account()) == commission
    assert ledger.escrow_balance(order.pk) == 0
    # The card's count follows after commit, from the outbox (exactly once, however often drained).
    order.service.refresh_from_db()
    assert order.service.completed_orders == 0
    drain()
    drain()
    order.service.refresh_from_db()
    assert order.service.completed_orders == 1
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["created", "paid", "requirements", "delivered", "confirmed"]
    assert_ledger_ok()


def test_buyer_fee_goes_to_platform(settings):
    settings.BUYER_FEE_PERCENT = 5
    order = f.delivered_order(price=1_000_000)
    assert order.buyer_fee == 50_000 and order.total == 1_050_000
    assert ledger.escrow_balance(order.pk) == 1_050_000
    actions.order_confirm(order_id=order.pk, actor=order.buyer)
    assert ledger.balance(ledger.revenue_account()) == 100_000 + 50_000
    assert_ledger_ok()


def test_snapshot_survives_package_changes():
    order = f.pending_order(price=1_500_000, delivery_days=4, revisions=2)
    package = order.package
    package.price, package.delivery_days, package.revisions, package.title = 9_000_000, 30, None, "تغییر کرد"
    package.save()
    order.service.title = "عنوان تازه"
    order.service.save()
    order.refresh_from_db()
    assert (order.price, order.total, order.delivery_days, order.revisions_allowed) == (1_500_000, 1_500_000, 4, 2)
    assert order.package_title == "بسته پایه" and order.title != "عنوان تازه"


def test_cannot_buy_own_or_unpublished_service():
    package = f.package()
    with pytest.raises(OrderError) as exc:
        actions.order_create(buyer=package.service.owner, package=package)
    assert PERSIAN.search(str(exc.value.message))
    package.service.status = Service.Status.PAUSED
    package.service.save()
    with pytest.raises(OrderError):
        actions.order_create(buyer=UserFactory(), package=package)


def test_every_move_outside_the_map_raises_a_persian_error():
    order = f.pending_order()
    for current in S.values:
        for target in S.values:
            order.status = current
            if target in Order.TRANSITIONS[current]:
                continue
            with pytest.raises(OrderError) as exc:
                order.transition_to(target, kind=OrderEvent.Kind.CANCELLED)
            assert PERSIAN.search(str(exc.value.message)), (current, target)


def _try_all(order):
    """Every action a person can attempt, by the right actor; returns the names that succeeded."""
    attempts = {
        "pay_wallet": lambda: actions.order_pay_from_wallet(order_id=order.pk, actor=order.buyer),
        "requirements": lambda: actions.order_submit_requirements(
            order_id=order.pk, actor=order.buyer, answers={}, description="x"),
        "deliver": lambda: actions.order_deliver(order_id=order.pk, actor=order.expert, message="x"),
        "revision": lambda: actions.order_request_revision(order_id=order.pk, actor=order.buyer, note="x"),
        "confirm": lambda: actions.order_confirm(order_id=order.pk, actor=order.buyer),
        "cancel": lambda: actions.order_cancel(order_id=order.pk, actor=order.buyer),
    }
    refused = {}
    for name, attempt in attempts.items():
        try:
            from django.db import transaction

            # A savepoint to undo the attempt; marked like the test case's own block so that the
            # money-moving actions' durable transactions may open inside it.
            undo = transaction.atomic()
            undo._from_testcase = True
            with undo:
                attempt()
                raise _Undo()
        except _Undo:
            continue
        except OrderError as exc:
            refused[name] = str(exc.message)
    return refused


class _Undo(Exception):
    pass


@pytest.mark.parametrize(
    ("make", "allowed"),
    [
        (f.in_progress_order, {"deliver"}),
        (f.delivered_order, {"revision", "confirm"}),
        (f.paid_order, {"requirements", "cancel"}),
    ],
)
def test_only_allowed_actions_in_each_state(make, allowed):
    order = make()
    refused = _try_all(order)
    assert set(refused) == {"pay_wallet", "requirements", "deliver", "revision", "confirm", "cancel"} - allowed
    assert all(PERSIAN.search(message) for message in refused.values()), refused


def test_closed_orders_refuse_everything():
    order = f.delivered_order()
    actions.order_confirm(order_id=order.pk, actor=order.buyer)
    assert len(_try_all(order)) == 6
    cancelled = f.pending_order()
    actions.order_cancel(order_id=cancelled.pk, actor=cancelled.buyer)
    assert len(_try_all(cancelled)) == 6


def test_wrong_actor_is_refused():
    order = f.delivered_order()
    stranger = UserFactory()
    with pytest.raises(OrderError):
        actions.order_confirm(order_id=order.pk, actor=order.expert)
    with pytest.raises(OrderError):
        actions.order_confirm(order_id=order.pk, actor=stranger)
    order2 = f.in_progress_order()
    with pytest.raises(OrderError):
        actions.order_deliver(order_id=order2.pk, actor=order2.buyer, message="x")


def test_revisions_are_limited():
    order = f.delivered_order(revisions=1)
    actions.order_request_revision(order_id=order.pk, actor=order.buyer, note="بند ۳ را اصلاح کنید")
    order.refresh_from_db()
    assert order.status == S.REVISION_REQUESTED and order.revisions_used == 1
    actions.order_deliver(order_id=order.pk, actor=order.expert, message="اصلاح شد")
    with pytest.raises(OrderError) as exc:
        actions.order_request_revision(order_id=order.pk, actor=order.buyer, note="باز هم")
    assert exc.value.code == "no_revisions_left"


def test_cancel_rules_and_refund_of_a_late_order():
    pending = f.pending_order()
    actions.order_cancel(order_id=pending.pk, actor=pending.buyer)
    order = f.in_progress_order(price=3_000_000)
    with pytest.raises(OrderError) as exc:
        actions.order_cancel(order_id=order.pk, actor=order.buyer)
    assert exc.value.code == "not_late"
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    actions.order_cancel(order_id=order.pk, actor=order.buyer)
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert ledger.user_balances(order.buyer)["available"] == 3_000_000
    assert ledger.escrow_balance(order.pk) == 0
    assert_ledger_ok()
    # The refund pays the next order from the wallet.
    nxt = f.pending_order(buyer=order.buyer, price=2_000_000)
    actions.order_pay_from_wallet(order_id=nxt.pk, actor=nxt.buyer)
    nxt.refresh_from_db()
    assert nxt.status == S.AWAITING_REQUIREMENTS
    assert ledger.user_balances(order.buyer)["available"] == 1_000_000
    too_dear = f.pending_order(buyer=order.buyer, price=2_000_000)
    with pytest.raises(OrderError):
        actions.order_pay_from_wallet(order_id=too_dear.pk, actor=too_dear.buyer)
    assert_ledger_ok()


def test_auto_complete_after_the_review_period():
    order = f.delivered_order()
    assert actions.order_auto_complete() == 0
    later = timezone.now() + dt.timedelta(days=settings.AUTO_COMPLETE_DAYS, minutes=1)
    assert actions.order_auto_complete(now=later) == 1
    assert actions.order_auto_complete(now=later) == 0
    order.refresh_from_db()
    assert order.status == S.COMPLETED
    assert order.events.last().kind == "auto_completed"
    assert_ledger_ok()


def test_requirements_with_questions_set_due_date_and_notify(django_capture_on_commit_callbacks):
    order = f.pending_order(delivery_days=5)
    text = RequirementQuestionFactory(service=order.service, kind=RequirementQuestion.Kind.TEXT, text="نشانی ملک؟")
    choice = RequirementQuestionFactory(service=order.service, kind=RequirementQuestion.Kind.CHOICE,
                                        text="نوع؟", choices=["مسکونی", "تجاری"])
    file_q = RequirementQuestionFactory(service=order.service, kind=RequirementQuestion.Kind.FILE, text="قرارداد")
    payment = f.start_payment(order)
    charge_decide(authority=payment.authority, pay=True)
    actions.order_payment_callback(order_id=order.pk, params=f.callback_params(payment), gateway="sandbox")
    mail.outbox.clear()
    with pytest.raises(OrderError) as exc:
        actions.order_submit_requirements(order_id=order.pk, actor=order.buyer, answers={str(text.pk): "تهران"},
                                          description="", question_files={str(file_q.pk): f.pdf()})
    assert exc.value.field == f"q_{choice.pk}"
    with pytest.raises(OrderError):
        actions.order_submit_requirements(
            order_id=order.pk, actor=order.buyer, answers={str(text.pk): "تهران", str(choice.pk): "ویلایی"},
            description="", question_files={str(file_q.pk): f.pdf()})
    before = timezone.now()
    f.emails_sent_so_far()
    with django_capture_on_commit_callbacks(execute=True):
        actions.order_submit_requirements(
            order_id=order.pk, actor=order.buyer, answers={str(text.pk): "تهران", str(choice.pk): "تجاری"},
            description="توضیح", question_files={str(file_q.pk): f.pdf("contract.pdf")}, files=[f.pdf("extra.pdf")])
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS
    assert before + dt.timedelta(days=5) <= order.due_at <= timezone.now() + dt.timedelta(days=5)
    assert [a["answer"] for a in order.requirement_answers] == ["تهران", "تجاری", "contract.pdf"]
    assert order.files.filter(kind=OrderFile.Kind.REQUIREMENT).count() == 2
    assert [m.to for m in mail.outbox] == [[order.expert.email]]
    assert "نیازمندی" in mail.outbox[0].subject


def test_draft_is_kept():
    order = f.paid_order()
    actions.order_save_requirements_draft(order_id=order.pk, actor=order.buyer, answers={"1": "نیمه"},
                                          description="نیمه‌کاره")
    order.refresh_from_db()
    assert order.requirements_draft == {"answers": {"1": "نیمه"}, "description": "نیمه‌کاره"}


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # a Windows program renamed
        ("photo.jpg", b"%PDF-1.4 not a jpeg"),
        ("run.exe", b"MZ\x90\x00"),
        ("script.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("data.bin", b"\x00\x01\x02"),
    ],
)
def test_files_are_checked_by_content(name, body):
    order = f.paid_order()
    with pytest.raises(OrderError) as exc:
        actions.order_submit_requirements(order_id=order.pk, actor=order.buyer, answers={}, description="x",
                                          files=[SimpleUploadedFile(name, body)])
    assert PERSIAN.search(str(exc.value.message))
    order.refresh_from_db()
    assert order.status == S.AWAITING_REQUIREMENTS


def test_good_files_of_each_family_pass_and_stay_private(settings):
    import io
    import zipfile

    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    from tests.services.factories import image_bytes

    files = [
        f.pdf(), SimpleUploadedFile("a.docx", zbuf.getvalue()), SimpleUploadedFile("b.png", image_bytes()),
        SimpleUploadedFile("c.jpg", image_bytes("JPEG")), SimpleUploadedFile("نامه.txt", "سلام".encode()),
    ]
    order = f.paid_order()
    actions.order_submit_requirements(order_id=order.pk, actor=order.buyer, answers={}, description="x", files=files)
    rows = list(order.files.all())
    assert [r.content_type.split(";")[0] for r in rows] == [
        "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png", "image/jpeg", "text/plain"]
    media_root = str(settings.MEDIA_ROOT)
    for row in rows:
        assert not row.file.url.startswith(settings.MEDIA_URL)
        assert not row.file.path.startswith(media_root)
        assert "private" in row.file.path
        assert row.original_name in {"doc.pdf", "a.docx", "b.png", "c.jpg", "نامه.txt"}


def test_too_many_files_refused():
    order = f.paid_order()
    with pytest.raises(OrderError) as exc:
        actions.order_submit_requirements(order_id=order.pk, actor=order.buyer, answers={}, description="x",
                                          files=[f.pdf(f"{i}.pdf") for i in range(11)])
    assert exc.value.code == "too_many"


# --- payments ---------------------------------------------------------------------------------


def test_cancelled_payment_leaves_the_order_payable():
    order = f.pending_order()
    payment = f.start_payment(order)
    charge_decide(authority=payment.authority, pay=False)
    payment = actions.order_payment_callback(order_id=order.pk, params=f.callback_params(payment), gateway="sandbox")
    assert payment.status == Payment.Status.CANCELLED
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert order.events.filter(kind="payment_cancelled").count() == 1
    # ...and can be paid again.
    again = f.start_payment(order)
    charge_decide(authority=again.authority, pay=True)
    actions.order_payment_callback(order_id=order.pk, params=f.callback_params(again), gateway="sandbox")
    order.refresh_from_db()
    assert order.status == S.AWAITING_REQUIREMENTS
    assert_ledger_ok()


def test_forged_callbacks_credit_nothing():
    order = f.pending_order()
    other = f.pending_order()
    payment = f.start_payment(order)
    other_payment = f.start_payment(other)
    good = f.callback_params(payment)
    # Status=OK for an authority nobody paid (the sandbox charge is still pending), correctly signed or not.
    for params in (
        {**good, "Status": "OK"},
        {**good, "Signature": "0" * 64},
        {**good, "Amount": "1"},
    ):
        result = actions.order_payment_callback(order_id=order.pk, params=params, gateway="sandbox")
        assert result.status != Payment.Status.PAID
    charge_decide(authority=payment.authority, pay=True)
    paid_params = f.callback_params(payment)
    # The other order's authority on this order's callback URL.
    with pytest.raises(PaymentNotFound):
        actions.order_payment_callback(order_id=other.pk, params=paid_params, gateway="sandbox")
    with pytest.raises(PaymentNotFound):
        actions.order_payment_callback(order_id=order.pk, params=f.callback_params(other_payment), gateway="sandbox")
    # A tampered amount on a really paid authority.
    actions.order_payment_callback(order_id=order.pk, params={**paid_params, "Amount": "10"}, gateway="sandbox")
    assert ledger.escrow_balance(order.pk) == 0 and ledger.escrow_balance(other.pk) == 0
    order.refresh_from_db()
    other.refresh_from_db()
    assert order.status == other.status == S.PENDING_PAYMENT
    # The genuine callback still works afterwards.
    actions.order_payment_callback(order_id=order.pk, params=paid_params, gateway="sandbox")
    order.refresh_from_db()
    assert order.status == S.AWAITING_REQUIREMENTS
    assert ledger.escrow_balance(order.pk) == order.total
    assert_ledger_ok()


def test_a_second_payment_goes_back_to_the_wallet():
    order = f.pending_order(price=1_000_000)
    first, second = f.start_payment(order), f.start_payment(order)
    for p in (first, second):
        charge_decide(authority=p.authority, pay=True)
        actions.order_payment_callback(order_id=order.pk, params=f.callback_params(p), gateway="sandbox")
    order.refresh_from_db()
    assert order.status == S.AWAITING_REQUIREMENTS
    assert ledger.escrow_balance(order.pk) == 1_000_000
    assert ledger.user_balances(order.buyer)["available"] == 1_000_000
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert_ledger_ok()


def test_payment_after_cancellation_is_refunded():
    order = f.pending_order(price=1_000_000)
    payment = f.start_payment(order)
    actions.order_cancel(order_id=order.pk, actor=order.buyer)
    charge_decide(authority=payment.authority, pay=True)
    actions.order_payment_callback(order_id=order.pk, params=f.callback_params(payment), gateway="sandbox")
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert ledger.escrow_balance(order.pk) == 0
    assert ledger.user_balances(order.buyer)["available"] == 1_000_000
    assert_ledger_ok()
