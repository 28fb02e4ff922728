"""Every write that changes an order: one function per business operation (DESIGN.md §4).

Each status change runs in one transaction with the order row locked (SELECT … FOR UPDATE),
goes through `Order.transition_to` (which refuses moves outside the map and writes an
`OrderEvent`), moves the money in the same transaction through `escrow.actions`, and queues
emails with `transaction.on_commit`.

Lock order, to stay free of deadlocks: payment row (escrow) → order row → ledger accounts.
Nothing here locks a payment while holding an order, and no gateway is called holding a lock:
`order_pay_start` commits first and then asks the bank; `order_payment_callback` calls escrow's
`payment_verify`, whose success signal moves the order inside escrow's own transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from azmoodegan.persian import format_toman, jalali_datetime, to_persian_digits
from escrow import actions as escrow
from escrow import ledger
from escrow.exceptions import EscrowError, InsufficientFunds, PaymentNotFound
from escrow.models import Payment
from services.models import Package, RequirementQuestion, Service

from .exceptions import OrderError, OrderPermissionError, OrderTransitionError
from .filecheck import check_files
from .models import Delivery, Dispute, ExtensionRequest, Order, OrderEvent, OrderFile

logger = logging.getLogger(__name__)
S = Order.Status

MAX_TEXT = 5000


# --- helpers -------------------------------------------------------------------------------------


def _lock(order_id: int) -> Order:
    try:
        return Order.objects.select_for_update().get(pk=order_id)
    except Order.DoesNotExist:
        raise OrderError(_("This order was not found."), code="not_found") from None


def _ensure_buyer(order: Order, actor) -> None:
    if actor is None or actor.pk != order.buyer_id:
        raise OrderPermissionError(_("Only the buyer of this order can do this."))


def _ensure_expert(order: Order, actor) -> None:
    if actor is None or actor.pk != order.expert_id:
        raise OrderPermissionError(_("Only the expert of this order can do this."))


def _ensure_status(order: Order, *statuses: str) -> None:
    if order.status not in statuses:
        raise OrderTransitionError(
            _("This is not possible while the order is “%(status)s”.") % {"status": order.get_status_display()}
        )


def _notify(order: Order, what: str, *, to, extra: Mapping[str, object] | None = None) -> None:
    """Queue one email about `order` to `to` (a user) after the transaction commits.

    `extra` adds plain values (ids, numbers) to the templates' context.
    """
    order_id, user_id, extra = order.pk, to.pk, dict(extra or {})

    def send():
        from accounts.models import User
        from accounts.tasks import send_email

        user = User.objects.filter(pk=user_id).first()
        fresh = Order.objects.filter(pk=order_id).first()
        if user is None or fresh is None or not user.email:
            return
        with translation.override(settings.LANGUAGE_CODE):
            context = {"order": fresh, "user": user, "what": what, "url": _site_url(fresh.get_absolute_url()),
                       **extra}
            subject = render_to_string("orders/email/subject.txt", context).strip()
            body = render_to_string("orders/email/body.txt", context)
        send_email.delay(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])

    transaction.on_commit(send)


def _site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def _save_files(order: Order, files: Sequence[UploadedFile], types: Sequence[str], *, kind: str, actor,
                delivery: Delivery | None = None, question_ids: Sequence[int | None] | None = None) -> list[OrderFile]:
    saved = []
    for i, (upload, content_type) in enumerate(zip(files, types, strict=True)):
        row = OrderFile(
            order=order, delivery=delivery, kind=kind, original_name=(upload.name or "file")[-255:],
            size=upload.size or 0, content_type=content_type, uploaded_by=actor,
            question_id=question_ids[i] if question_ids else None,
        )
        row.file.save(upload.name or "file", upload, save=False)
        row.save()
        saved.append(row)
    return saved


# --- creating and paying -------------------------------------------------------------------------


@transaction.atomic
def order_create(*, buyer, package: Package | int) -> Order:
    """Create a `pending_payment` order for `package`, with a snapshot of what is bought.

    Only published services can be ordered, and never by their own expert.
    """
    package_id = package.pk if isinstance(package, Package) else int(package)
    package = Package.objects.select_related("service").filter(pk=package_id).first()
    if package is None or package.service.status != Service.Status.PUBLISHED:
        raise OrderError(_("This service cannot be ordered right now."), code="not_orderable")
    service = package.service
    if service.owner_id == buyer.pk:
        raise OrderPermissionError(_("You cannot order your own service."), code="own_service")
    fee = escrow.buyer_fee_for(package.price)
    order = Order.objects.create(
        buyer=buyer, expert_id=service.owner_id, service=service, package=package,
        title=service.title, package_tier=package.tier, package_title=package.title,
        package_description=package.description, price=package.price, buyer_fee=fee, total=package.price + fee,
        delivery_days=package.delivery_days, revisions_allowed=package.revisions,
    )
    OrderEvent.objects.create(order=order, actor=buyer, from_status="", to_status=S.PENDING_PAYMENT, kind="created")
    return order


def order_pay_start(*, order_id: int, actor, callback_url: str, gateway: str | None = None) -> tuple[Payment, str]:
    """Start paying an order through the gateway; returns the payment and the bank's URL.

    Checks the order under its lock and commits, then asks the bank holding no lock. Raises
    `GatewayError` (Persian) when the bank refuses: the order stays `pending_payment`.
    """
    with transaction.atomic():
        order = _lock(order_id)
        _ensure_buyer(order, actor)
        _ensure_status(order, S.PENDING_PAYMENT)
    return escrow.payment_start(
        order_ref=order.pk, buyer=order.buyer, amount=order.total, callback_url=callback_url,
        description=_("Order %(id)s: %(title)s") % {"id": order.pk, "title": order.title}, gateway=gateway,
    )


def order_payment_callback(*, order_id: int, params: Mapping[str, str], gateway: str | None = None) -> Payment:
    """The buyer came back from the bank: verify server side; on success the order is paid.

    Runs outside any transaction (verification may call the bank). The authority must belong to
    this order, or nothing happens. The move to `awaiting_requirements` happens once, in
    `on_payment_succeeded`, inside escrow's transaction that credits the escrow; replays and
    concurrent callbacks find the payment final and change nothing.
    """
    authority = str(params.get("Authority", ""))
    name = gateway or settings.PAYMENT_GATEWAY
    payment = Payment.objects.filter(gateway=name, authority=authority).first() if authority else None
    if payment is None or payment.order_ref != order_id:
        logger.warning("payment callback for order %s names authority %r of another order", order_id, authority)
        raise PaymentNotFound()
    payment = escrow.payment_verify(gateway=name, authority=authority, callback_params=dict(params))
    if payment.status in (Payment.Status.CANCELLED, Payment.Status.FAILED, Payment.Status.MISMATCH):
        _record_payment_problem(order_id, payment)
    return payment


@transaction.atomic
def _record_payment_problem(order_id: int, payment: Payment) -> None:
    order = _lock(order_id)
    kind = f"payment_{payment.status}"
    note = f"{payment.gateway}:{payment.authority}"
    if not OrderEvent.objects.filter(order=order, kind=kind, note=note).exists():
        OrderEvent.objects.create(order=order, actor=order.buyer, from_status=order.status, to_status=order.status,
                                  kind=kind, note=note)


def on_payment_succeeded(sender, *, payment: Payment, transfer, **kwargs) -> None:
    """Receiver of `escrow.signals.payment_succeeded`, inside escrow's transaction.

    A pending order becomes `awaiting_requirements`. Money that arrives for an order that no
    longer waits for it (paid twice in two tabs, cancelled meanwhile) goes straight back to the
    buyer's wallet, so no closed or paid order holds more than its total.
    """
    order = Order.objects.select_for_update().filter(pk=payment.order_ref).first()
    if order is None:
        logger.error("payment %s paid for unknown order %s", payment.pk, payment.order_ref)
        return
    if order.status == S.PENDING_PAYMENT and payment.amount == order.total:
        _mark_paid(order, actor=order.buyer, note=f"{payment.gateway}:{payment.authority}")
        return
    escrow.escrow_refund(order_ref=order.pk, buyer=order.buyer, amount=payment.amount, n=f"payment-{payment.pk}")
    OrderEvent.objects.create(
        order=order, actor=None, from_status=order.status, to_status=order.status, kind="payment_refunded",
        note=f"{payment.gateway}:{payment.authority}",
    )


def _mark_paid(order: Order, *, actor, note: str) -> None:
    order.transition_to(S.AWAITING_REQUIREMENTS, actor=actor, kind="paid", note=note)
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "paid_at", "updated_at"])
    _notify(order, "paid_expert", to=order.expert)


@transaction.atomic
def order_pay_from_wallet(*, order_id: int, actor) -> Order:
    """Pay an order from the buyer's available wallet balance (refunds of earlier orders)."""
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.PENDING_PAYMENT)
    try:
        escrow.escrow_pay_from_wallet(order_ref=order.pk, buyer=order.buyer, amount=order.total)
    except InsufficientFunds:
        raise OrderError(_("Your wallet balance is not enough for this order."), code="insufficient_funds") from None
    _mark_paid(order, actor=actor, note="wallet")
    return order


# --- requirements, delivery, revision ----------------------------------------------------------


def _questions(order: Order) -> list[RequirementQuestion]:
    return list(RequirementQuestion.objects.filter(service_id=order.service_id).order_by("position", "pk"))


@transaction.atomic
def order_save_requirements_draft(*, order_id: int, actor, answers: Mapping[str, str], description: str) -> Order:
    """Keep what the buyer typed so far, so a failed upload or a reload loses nothing."""
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.AWAITING_REQUIREMENTS)
    order.requirements_draft = {
        "answers": {str(k): str(v)[:MAX_TEXT] for k, v in answers.items()},
        "description": (description or "")[:MAX_TEXT],
    }
    order.save(update_fields=["requirements_draft", "updated_at"])
    return order


@transaction.atomic
def order_submit_requirements(
    *, order_id: int, actor, answers: Mapping[str, str], description: str,
    files: Sequence[UploadedFile] = (), question_files: Mapping[str, UploadedFile] | None = None,
) -> Order:
    """Record the buyer's answers, description and files; the expert's clock starts now.

    `answers` maps a question id to the answer (text, or one of the question's choices);
    `question_files` maps the id of a file question to its file. Every file is checked by content.
    The order becomes `in_progress` with `due_at` = now + delivery days.
    """
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.AWAITING_REQUIREMENTS)
    question_files = dict(question_files or {})
    recorded = []
    for q in _questions(order):
        key = str(q.pk)
        if q.kind == RequirementQuestion.Kind.FILE:
            upload = question_files.get(key)
            if upload is None and q.required:
                raise OrderError(_("Please attach a file for this question."), field=f"q_{key}", code="required")
            recorded.append({"id": q.pk, "question": q.text, "kind": q.kind, "answer": upload.name if upload else ""})
            continue
        answer = (answers.get(key) or "").strip()[:MAX_TEXT]
        if not answer and q.required:
            raise OrderError(_("Please answer this question."), field=f"q_{key}", code="required")
        if q.kind == RequirementQuestion.Kind.CHOICE and answer and answer not in q.choices:
            raise OrderError(_("Choose one of the options."), field=f"q_{key}", code="bad_choice")
        recorded.append({"id": q.pk, "question": q.text, "kind": q.kind, "answer": answer})
    description = (description or "").strip()[:MAX_TEXT]
    if not description and not recorded:
        raise OrderError(_("Describe what you need."), field="description", code="required")

    files = list(files)
    q_items = [(int(k), f) for k, f in question_files.items() if f is not None]
    all_files = files + [f for _qid, f in q_items]
    types = check_files(all_files)
    _save_files(order, all_files, types, kind=OrderFile.Kind.REQUIREMENT, actor=actor,
                question_ids=[None] * len(files) + [qid for qid, _f in q_items])

    now = timezone.now()
    order.requirement_answers = recorded
    order.requirements_description = description
    order.requirements_draft = {}
    order.requirements_at = now
    order.due_at = now + dt.timedelta(days=order.delivery_days)
    order.transition_to(S.IN_PROGRESS, actor=actor, kind="requirements")
    order.save()
    _notify(order, "requirements", to=order.expert)
    return order


@transaction.atomic
def order_deliver(*, order_id: int, actor, message: str, files: Sequence[UploadedFile] = ()) -> Order:
    """Record a delivery and start the buyer's review period (auto-complete after AUTO_COMPLETE_DAYS)."""
    order = _lock(order_id)
    _ensure_expert(order, actor)
    _ensure_status(order, *Order.WORKING)
    message = (message or "").strip()[:MAX_TEXT]
    if not message:
        raise OrderError(_("Write a message with your delivery."), field="message", code="required")
    files = list(files)
    types = check_files(files)
    delivery = Delivery.objects.create(order=order, message=message)
    _save_files(order, files, types, kind=OrderFile.Kind.DELIVERY, actor=actor, delivery=delivery)
    _close_pending_extension(order)
    order.transition_to(S.DELIVERED, actor=actor, kind="delivered")
    order.delivered_at = timezone.now()
    order.save()
    _notify(order, "delivered", to=order.buyer)
    return order


@transaction.atomic
def order_request_revision(*, order_id: int, actor, note: str) -> Order:
    """The buyer asks for changes to a delivery, within the package's revisions.

    The expert gets a fresh clock of the package's delivery days from now.
    """
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.DELIVERED)
    note = (note or "").strip()[:MAX_TEXT]
    if not note:
        raise OrderError(_("Explain what should change."), field="note", code="required")
    if order.revisions_left == 0:
        raise OrderError(_("All the revisions of this package have been used."), code="no_revisions_left")
    order.transition_to(S.REVISION_REQUESTED, actor=actor, kind="revision", note=note)
    order.revisions_used += 1
    order.due_at = timezone.now() + dt.timedelta(days=order.delivery_days)
    order.save()
    _notify(order, "revision", to=order.expert)
    return order


# --- completing and cancelling ---------------------------------------------------------------------


def _complete(order: Order, *, actor, kind: str) -> None:
    escrow.escrow_release(
        order_ref=order.pk, expert=order.expert, buyer=order.buyer, amount=order.price,
        platform_fee=order.buyer_fee, actor=actor,
    )
    order.transition_to(S.COMPLETED, actor=actor, kind=kind)
    order.completed_at = timezone.now()
    order.save()
    # The catalogue's denormalised count (cards, search) moves with the completion.
    Service.objects.filter(pk=order.service_id).update(completed_orders=F("completed_orders") + 1)
    _notify(order, "completed", to=order.expert)


@transaction.atomic
def order_confirm(*, order_id: int, actor) -> Order:
    """The buyer confirms the delivery: the order completes and the expert is paid (once).

    price − commission goes to the expert's pending balance and the commission (and any buyer
    fee) to platform revenue, in the same transaction as the status change.
    """
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    _ensure_status(order, S.DELIVERED)
    _complete(order, actor=actor, kind="confirmed")
    return order


def auto_complete_delivered_orders(*, now: dt.datetime | None = None) -> int:
    """Complete every order delivered more than AUTO_COMPLETE_DAYS ago without an answer.

    Each order in its own transaction; a rerun finds nothing left. Returns how many completed.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUTO_COMPLETE_DAYS)
    ids = list(Order.objects.filter(status=S.DELIVERED, delivered_at__lt=cutoff).values_list("pk", flat=True))
    done = 0
    for order_id in ids:
        with transaction.atomic():
            order = _lock(order_id)
            if order.status != S.DELIVERED or not order.delivered_at or order.delivered_at >= cutoff:
                continue
            _complete(order, actor=None, kind="auto_completed")
            done += 1
    return done


@transaction.atomic
def order_cancel(*, order_id: int, actor, reason: str = "") -> Order:
    """Cancel an order and return whatever its escrow holds to the buyer's wallet.

    The buyer may cancel an unpaid order, a paid order whose requirements they have not sent yet
    (the expert has not started), or a late order (past `due_at`, not delivered) for a full refund.
    Staff may cancel any open order that is not delivered.
    """
    order = _lock(order_id)
    is_staff = bool(actor and actor.is_staff and actor.pk not in (order.buyer_id, order.expert_id))
    if not is_staff:
        _ensure_buyer(order, actor)
    if order.status in Order.WORKING and not is_staff and not order.is_late:
        raise OrderTransitionError(
            _("You can cancel this order for a full refund once its delivery time has passed."), code="not_late"
        )
    if order.status not in (S.PENDING_PAYMENT, S.AWAITING_REQUIREMENTS, *Order.WORKING):
        raise OrderTransitionError(
            _("This order cannot be cancelled while it is “%(status)s”.") % {"status": order.get_status_display()}
        )
    # A pending request for more time does not take away the buyer's right to cancel a late order.
    _close_pending_extension(order)
    order.transition_to(S.CANCELLED, actor=actor, kind="cancelled", note=(reason or "")[:MAX_TEXT])
    held = ledger.escrow_balance(order.pk)
    if held > 0:
        escrow.escrow_refund(order_ref=order.pk, buyer=order.buyer, amount=held, n="cancel", actor=actor)
    order.cancelled_at = timezone.now()
    order.save()
    if held > 0:
        _notify(order, "cancelled", to=order.expert)
    return order



# --- deadline extensions -------------------------------------------------------------------------

MAX_REASON = 1000


def _pending_extension(order: Order) -> ExtensionRequest | None:
    """The order's pending request; the caller holds the order lock, which guards every request row."""
    return ExtensionRequest.objects.filter(order=order, status=ExtensionRequest.Status.PENDING).first()


def _close_pending_extension(order: Order, *, actor=None) -> ExtensionRequest | None:
    """Withdraw the order's pending request, if any: the expert's own choice (`actor`) or, with no
    actor, because the order stopped being worked on (delivered, cancelled, disputed)."""
    pending = _pending_extension(order)
    if pending is None:
        return None
    pending.status = ExtensionRequest.Status.WITHDRAWN
    pending.decided_at = timezone.now()
    pending.save(update_fields=["status", "decided_at"])
    OrderEvent.objects.create(order=order, actor=actor, from_status=order.status, to_status=order.status,
                              kind="extension_withdrawn")
    return pending


@transaction.atomic
def order_extension_request(*, order_id: int, actor, days: int, reason: str) -> ExtensionRequest:
    """The expert asks for `days` (1–30) more days to deliver, with a reason the buyer reads.

    Only while the expert is working (in progress or revision requested), and one pending request
    at a time. Nothing moves until the buyer decides; a late order stays cancellable meanwhile.
    """
    order = _lock(order_id)
    _ensure_expert(order, actor)
    _ensure_status(order, *Order.WORKING)
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not ExtensionRequest.MIN_DAYS <= days <= ExtensionRequest.MAX_DAYS:
        raise OrderError(
            to_persian_digits(_("Ask for between %(min)s and %(max)s days.")
                              % {"min": ExtensionRequest.MIN_DAYS, "max": ExtensionRequest.MAX_DAYS}),
            field="days", code="bad_days",
        )
    reason = (reason or "").strip()[:MAX_REASON]
    if not reason:
        raise OrderError(_("Tell the buyer why you need more time."), field="reason", code="required")
    if _pending_extension(order) is not None:
        raise OrderError(
            _("You already asked for more time; wait for the buyer's answer or withdraw that request."),
            code="extension_pending",
        )
    request = ExtensionRequest.objects.create(order=order, requested_by=actor, days=days, reason=reason)
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=order.status, kind="extension_requested",
        note=to_persian_digits(_("%(days)s more days: %(reason)s") % {"days": days, "reason": reason}),
    )
    _notify(order, "extension_requested", to=order.buyer, extra={"days": days})
    return request


@transaction.atomic
def order_extension_decide(*, order_id: int, actor, request_id: int, accept: bool) -> ExtensionRequest:
    """The buyer accepts or declines the expert's pending request `request_id`.

    Accepting moves `due_at` by the request's days (from the current due date, late or not).
    The id names the request the buyer read, so a request withdrawn and asked again meanwhile is
    never accepted unseen.
    """
    order = _lock(order_id)
    _ensure_buyer(order, actor)
    pending = _pending_extension(order)
    if pending is None or pending.pk != int(request_id):
        raise OrderError(_("This request for more time is no longer waiting for an answer."),
                         code="extension_not_pending")
    _ensure_status(order, *Order.WORKING)
    now = timezone.now()
    pending.decided_at = now
    if accept:
        pending.status = ExtensionRequest.Status.ACCEPTED
        pending.previous_due_at = order.due_at
        order.due_at = (order.due_at or now) + dt.timedelta(days=pending.days)
        pending.new_due_at = order.due_at
        order.save(update_fields=["due_at", "updated_at"])
        note = _("New due date: %(date)s") % {"date": jalali_datetime(order.due_at)}
    else:
        pending.status = ExtensionRequest.Status.DECLINED
        note = ""
    pending.save()
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=order.status,
        kind=f"extension_{pending.status}", note=note,
    )
    _notify(order, f"extension_{pending.status}", to=order.expert, extra={"days": pending.days})
    return pending


@transaction.atomic
def order_extension_withdraw(*, order_id: int, actor) -> ExtensionRequest:
    """The expert takes back their pending request (to ask for a different number of days)."""
    order = _lock(order_id)
    _ensure_expert(order, actor)
    withdrawn = _close_pending_extension(order, actor=actor)
    if withdrawn is None:
        raise OrderError(_("There is no request for more time waiting for an answer."),
                         code="extension_not_pending")
    _notify(order, "extension_withdrawn", to=order.buyer)
    return withdrawn


# --- disputes --------------------------------------------------------------------------------------


@transaction.atomic
def order_dispute_open(*, order_id: int, actor, reason: str) -> Dispute:
    """The buyer or the expert asks Azmoodegan to settle a disagreement; the order becomes `disputed`.

    Possible once the expert has started and until the order closes (in progress, delivered,
    revision requested). The escrow stays held and nothing else moves (no delivery, confirmation,
    cancellation or auto-complete) until staff resolve it with `order_dispute_resolve`.
    """
    order = _lock(order_id)
    role = order.party(actor)
    if role not in ("buyer", "expert"):
        raise OrderPermissionError(_("Only the buyer or the expert of this order can open a dispute."))
    if order.status == S.DISPUTED:
        raise OrderTransitionError(_("This order is already in dispute."), code="already_disputed")
    if order.status not in Order.DISPUTABLE:
        raise OrderTransitionError(
            _("A dispute cannot be opened while the order is “%(status)s”.") % {"status": order.get_status_display()}
        )
    if Dispute.objects.filter(order=order).exists():
        raise OrderTransitionError(_("This order already had a dispute."), code="already_disputed")
    reason = (reason or "").strip()[:MAX_TEXT]
    if not reason:
        raise OrderError(_("Explain what went wrong, so our team can decide fairly."), field="reason",
                         code="required")
    _close_pending_extension(order)
    dispute = Dispute.objects.create(order=order, opened_by=actor, reason=reason)
    order.transition_to(S.DISPUTED, actor=actor, kind="disputed", note=reason)
    order.save(update_fields=["status", "updated_at"])
    other = order.expert if role == "buyer" else order.buyer
    _notify(order, "disputed", to=other)
    return dispute


def _resolution_note(dispute: Dispute) -> str:
    """The outcome in a sentence, with the amounts, for the `resolved` event (then the staff note)."""
    Outcome = Dispute.Outcome
    if dispute.outcome == Outcome.REFUND:
        text = _("Outcome: %(amount)s refunded to the buyer.") % {"amount": format_toman(dispute.buyer_amount)}
    elif dispute.outcome == Outcome.RELEASE:
        text = _("Outcome: the payment was released to the expert.")
    else:
        text = _("Outcome: split; %(buyer)s refunded to the buyer and %(expert)s to the expert (before commission).") % {
            "buyer": format_toman(dispute.buyer_amount), "expert": format_toman(dispute.expert_amount)}
    return f"{text}\n{dispute.note}" if dispute.note else text


@transaction.atomic(durable=True)
def order_dispute_resolve(
    *, order_id: int, actor, outcome: str, buyer_amount: int | None = None, note: str,
) -> Dispute:
    """Staff settle an order's dispute; the escrow is emptied in the same transaction.

    - `refund`: everything the escrow holds goes back to the buyer's wallet; the order is cancelled.
    - `release`: as a confirmation: price − commission to the expert, commission (and any buyer fee)
      to the platform; the order is completed.
    - `split`: `buyer_amount` Rials back to the buyer, the rest of the price to the expert minus
      commission on the expert's part (any buyer fee stays with the platform, as on release); the
      order is completed. `buyer_amount` may be 0 up to the price.

    Locks the order, so two staff resolving at once resolve once: the second finds it closed.
    """
    order = _lock(order_id)
    if actor is None or not actor.is_staff:
        raise OrderPermissionError(_("Only Azmoodegan staff can resolve a dispute."))
    if actor.pk in (order.buyer_id, order.expert_id):
        raise OrderPermissionError(_("You cannot resolve a dispute about your own order."))
    dispute = Dispute.objects.filter(order=order).first()
    if dispute is None:
        raise OrderTransitionError(_("This order has no dispute to resolve."), code="no_dispute")
    if dispute.is_resolved or order.status != S.DISPUTED:
        raise OrderTransitionError(_("This dispute has already been resolved."), code="already_resolved")
    if outcome not in Dispute.Outcome.values:
        raise OrderError(_("Choose how the dispute is resolved."), field="outcome", code="bad_outcome")
    note = (note or "").strip()[:MAX_TEXT]
    if not note:
        raise OrderError(_("Write a note explaining the decision to both parties."), field="note", code="required")

    held = ledger.escrow_balance(order.pk)
    platform_fee = min(order.buyer_fee, held)
    shareable = held - platform_fee  # the price part of the escrow
    try:
        if outcome == Dispute.Outcome.REFUND:
            if held > 0:
                escrow.escrow_refund(order_ref=order.pk, buyer=order.buyer, amount=held, n="dispute", actor=actor)
            dispute.buyer_amount, dispute.expert_amount = held, 0
            target, stamp = S.CANCELLED, "cancelled_at"
        elif outcome == Dispute.Outcome.RELEASE:
            escrow.escrow_release(order_ref=order.pk, expert=order.expert, buyer=order.buyer, amount=shareable,
                                  platform_fee=platform_fee, actor=actor)
            dispute.buyer_amount, dispute.expert_amount = 0, shareable
            target, stamp = S.COMPLETED, "completed_at"
        else:
            buyer_amount = _split_amount(buyer_amount, shareable)
            escrow.escrow_split(order_ref=order.pk, buyer=order.buyer, expert=order.expert,
                                buyer_amount=buyer_amount, expert_amount=shareable - buyer_amount,
                                platform_fee=platform_fee, actor=actor)
            dispute.buyer_amount, dispute.expert_amount = buyer_amount, shareable - buyer_amount
            target, stamp = S.COMPLETED, "completed_at"
    except EscrowError as exc:
        raise OrderError(exc.message, field="buyer_amount", code=exc.code) from None

    now = timezone.now()
    dispute.outcome, dispute.note, dispute.resolved_by, dispute.resolved_at = outcome, note, actor, now
    dispute.save()
    order.transition_to(target, actor=actor, kind="resolved", note=_resolution_note(dispute))
    setattr(order, stamp, now)
    order.save()
    if outcome == Dispute.Outcome.RELEASE:
        # Released in full counts as a completed order of the service, as a confirmation does.
        Service.objects.filter(pk=order.service_id).update(completed_orders=F("completed_orders") + 1)
    for party in (order.buyer, order.expert):
        _notify(order, "resolved", to=party)
    return dispute


def _split_amount(buyer_amount, shareable: int) -> int:
    """The buyer's part of a split, checked against what the escrow holds for the price."""
    if buyer_amount is None or buyer_amount == "":
        raise OrderError(_("Enter the amount that goes back to the buyer."), field="buyer_amount", code="required")
    try:
        amount = int(buyer_amount)
    except (TypeError, ValueError):
        raise OrderError(_("Enter the amount that goes back to the buyer."), field="buyer_amount",
                         code="bad_amount") from None
    if amount < 0:
        raise OrderError(_("The buyer's share cannot be negative."), field="buyer_amount", code="bad_amount")
    if amount > shareable:
        raise OrderError(
            _("The buyer's share cannot be more than the %(max)s the escrow holds for this order.")
            % {"max": format_toman(shareable)},
            field="buyer_amount", code="above_escrow",
        )
    return amount
