"""Every business operation that moves money. The orders app calls these; nothing else posts transfers.

Payments (`payment_start`, `payment_verify`) call a gateway over the network, so they run outside
any transaction (they open their own, durable, short ones). The escrow operations
(`escrow_pay_from_wallet`, `escrow_release`, `escrow_refund`, `escrow_split`) are plain
ledger postings and are meant to run *inside* the caller's transaction, with the order row locked,
so the order's status and the money move together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import normalize_sheba
from azmoodegan.persian import format_toman

from . import ledger
from .exceptions import EscrowError, GatewayError, InsufficientFunds, PaymentNotFound
from .gateways import VerifyResult, get_gateway
from .models import Account, Leg, Payment, Payout, PayoutBatch, Transfer
from .signals import payment_succeeded

logger = logging.getLogger(__name__)

# How long a payment may sit in `initiated`/`verifying` before reconciliation asks the bank.
RECONCILE_AFTER = dt.timedelta(minutes=20)
RAW_KEEP = 20  # gateway answers kept per payment


def commission_calculate(amount: int, percent: int | None = None) -> int:
    """The platform's commission on `amount` Rials, rounded down: `percent` (the order's snapshot)
    or, for a new order, COMMISSION_PERCENT."""
    percent = settings.COMMISSION_PERCENT if percent is None else percent
    return int(amount) * int(percent) // 100


def buyer_fee_calculate(amount: int) -> int:
    """The buyer's fee on a price of `amount` Rials (BUYER_FEE_PERCENT, rounded down)."""
    return int(amount) * int(settings.BUYER_FEE_PERCENT) // 100


def _positive(amount: int, field: str = "amount") -> int:
    amount = int(amount)
    if amount <= 0:
        raise EscrowError(_("The amount must be more than zero."), field=field, code="amount_not_positive")
    return amount


def mask_pan(pan: str) -> str:
    """Keep the first six and last four digits of a card number; anything already masked is kept."""
    pan = str(pan or "")
    if "*" in pan or len(pan) < 12:
        return pan[:32]
    return f"{pan[:6]}{'*' * (len(pan) - 10)}{pan[-4:]}"


def _remember(payment: Payment, step: str, raw: dict) -> None:
    entry = {"step": step, "at": timezone.now().isoformat(), "response": raw}
    payment.raw = [*(payment.raw or []), entry][-RAW_KEEP:]


# --- Payments through a gateway ------------------------------------------------------------------


def payment_start(
    *, order_ref: int, buyer, amount: int, callback_url: str, description: str = "", gateway: str | None = None,
) -> tuple[Payment, str]:
    """Create a payment attempt for an order and register it with the gateway.

    Returns the payment and the URL to send the buyer to. Must be called outside any transaction:
    the payment row is committed first, then the gateway is called holding no lock. `amount` is
    the total the buyer pays, in Rials. Raises `GatewayError` (Persian message) if the bank
    refuses or does not answer; the payment is then `failed` and the order stays payable.
    """
    amount = _positive(amount)
    gw = get_gateway(gateway)
    with transaction.atomic(durable=True):
        payment = Payment.objects.create(
            order_ref=order_ref, buyer=buyer, amount=amount, gateway=gw.name, callback_url=callback_url,
            description=description[:300],
        )
    try:
        result = gw.start(payment)
    except GatewayError as exc:
        payment.status = Payment.Status.FAILED
        payment.code = (exc.code or "")[:32]
        _remember(payment, "start", exc.raw)
        payment.save(update_fields=["status", "code", "raw", "updated_at"])
        raise
    payment.authority = result.authority
    _remember(payment, "start", result.raw)
    payment.save(update_fields=["authority", "raw", "updated_at"])
    return payment, result.redirect_url


def payment_verify(*, gateway: str, authority: str, callback_params: dict | None = None) -> Payment:
    """Verify a payment server side and, when paid, move its amount into the order's escrow.

    Idempotent and safe to call concurrently: a replayed callback credits escrow once. The amount
    verified is the one in our database; the callback's parameters only name the payment (and, for
    the sandbox, carry a signature that must be valid). A forged or tampered callback changes
    nothing and is logged. Three phases: mark `verifying` and commit; ask the bank holding no
    lock; lock the payment again and record the answer. On success the transfer
    `payment:<gateway>:<authority>` is posted (outside world → gateway clearing → order escrow)
    and `escrow.signals.payment_succeeded` is sent inside that same transaction.

    Returns the payment; its `status` tells the caller what happened (`paid`, `failed`,
    `cancelled`, `mismatch`, or still `initiated`/`verifying` when there is no answer yet).
    Raises `PaymentNotFound` for an authority we never issued.
    """
    gw = get_gateway(gateway)
    payment = Payment.objects.filter(gateway=gw.name, authority=authority).first() if authority else None
    if payment is None:
        logger.warning("payment callback for unknown authority %r on gateway %s", authority, gw.name)
        raise PaymentNotFound()
    if payment.is_final:
        return payment
    if callback_params is not None and not gw.authenticate_callback(payment, callback_params):
        logger.warning(
            "forged or tampered payment callback for payment %s (%s:%s): %r",
            payment.pk, gw.name, authority, {k: callback_params.get(k) for k in ("Authority", "Status", "Amount")},
        )
        return payment

    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.is_final:
            return payment
        if payment.status == Payment.Status.INITIATED:
            payment.status = Payment.Status.VERIFYING
            payment.save(update_fields=["status", "updated_at"])

    result = gw.verify(payment, callback_params)
    return _payment_record(payment.pk, result)


def _payment_record(payment_id: int, result: VerifyResult) -> Payment:
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.is_final:
            return payment
        _remember(payment, "verify", result.raw)
        payment.code = str(result.code or "")[:32]
        if result.ok:
            transfer = _credit_escrow(payment)
            payment.status = Payment.Status.PAID
            payment.ref_id = str(result.ref_id)[:64]
            payment.card_pan = mask_pan(result.card_pan)
            payment.save()
            payment_succeeded.send(sender=Payment, payment=payment, transfer=transfer)
            return payment
        if result.status == VerifyResult.MISMATCH:
            logger.warning(
                "payment %s (%s:%s): the bank reports a different amount than our %s Rials; nothing credited",
                payment.pk, payment.gateway, payment.authority, payment.amount,
            )
            payment.status = Payment.Status.MISMATCH
        elif result.status == VerifyResult.CANCELLED:
            payment.status = Payment.Status.CANCELLED
        elif result.status == VerifyResult.FAILED:
            payment.status = Payment.Status.FAILED
        payment.save()
        return payment


def _credit_escrow(payment: Payment) -> Transfer:
    amount = payment.amount
    outside = ledger.outside_account()
    clearing = ledger.clearing_account(payment.gateway)
    escrow = ledger.escrow_account(payment.order_ref)
    return ledger.post_transfer(
        key=payment.ledger_key, kind=Transfer.Kind.PAYMENT, order_ref=payment.order_ref, actor=payment.buyer,
        legs=[(outside, -amount), (clearing, amount), (clearing, -amount), (escrow, amount)],
        description=f"{payment.gateway} {payment.authority}",
    )


def payment_message(payment: Payment) -> str:
    """A short Persian sentence telling the buyer what happened to their payment."""
    messages = {
        Payment.Status.PAID: _("Your payment was received and is held safely until you confirm delivery."),
        Payment.Status.CANCELLED: _("The payment was cancelled. You can pay again whenever you like."),
        Payment.Status.FAILED: _("The payment did not go through, and no money was taken. Please try again."),
        Payment.Status.MISMATCH: _(
            "The bank reported a different amount, so the payment was not accepted. Our support team will "
            "check it; if money was taken, the bank returns it."
        ),
        Payment.Status.VERIFYING: _(
            "We are still confirming your payment with the bank. This page will show the result shortly."
        ),
        Payment.Status.INITIATED: _("The payment has not been completed yet."),
    }
    return messages[payment.status]


def payment_reconcile(*, older_than: dt.timedelta = RECONCILE_AFTER, now: dt.datetime | None = None) -> dict:
    """Ask the bank about payments left unverified (the payer never came back, or we crashed).

    Run by a beat task. For Zarinpal the `unVerified.json` list also catches fresh payments the
    bank holds as paid. Returns counts per resulting status.
    """
    now = now or timezone.now()
    cutoff = now - older_than
    open_statuses = [Payment.Status.INITIATED, Payment.Status.VERIFYING]
    counts: dict[str, int] = {}
    # A payment whose gateway never gave an authority cannot be paid: close it.
    Payment.objects.filter(status__in=open_statuses, authority="", updated_at__lt=cutoff).update(
        status=Payment.Status.FAILED, code="no_authority", updated_at=now
    )
    gateways = Payment.objects.filter(status__in=open_statuses).exclude(authority="").values_list(
        "gateway", flat=True).distinct()
    for name in list(gateways):
        try:
            gw = get_gateway(name)
        except ValueError:
            logger.error("payments reconcile: unknown gateway %s", name)
            continue
        unverified = gw.unverified_authorities() or set()
        candidates = (
            Payment.objects.filter(gateway=name, status__in=open_statuses)
            .exclude(authority="")
            .filter(Q(updated_at__lt=cutoff) | Q(authority__in=unverified))
            .values_list("authority", flat=True)
        )
        for authority in list(candidates):
            try:
                payment = payment_verify(gateway=name, authority=authority, callback_params=None)
            except Exception:
                logger.exception("payments reconcile: verifying %s:%s failed", name, authority)
                continue
            counts[payment.status] = counts.get(payment.status, 0) + 1
    return counts


# --- Escrow operations (call inside the caller's transaction) -----------------------------------


def escrow_pay_from_wallet(*, order_ref: int, buyer, amount: int) -> Transfer:
    """Pay an order from the buyer's available wallet balance into its escrow (key `wallet:<order>`).

    Raises `InsufficientFunds` when the wallet holds less than `amount`.
    """
    amount = _positive(amount)
    return ledger.post_transfer(
        key=f"wallet:{order_ref}", kind=Transfer.Kind.WALLET_PAYMENT, order_ref=order_ref, actor=buyer,
        legs=[(ledger.user_account(buyer), -amount), (ledger.escrow_account(order_ref), amount)],
    )


def escrow_release(*, order_ref: int, expert, buyer, amount: int, platform_fee: int = 0, actor=None,
                   commission_percent: int | None = None) -> Transfer:
    """Release an order's price to the expert: price − commission to their pending balance, the
    commission (plus any buyer fee held in escrow, `platform_fee`) to platform revenue.

    Key `release:<order>`: 20 concurrent confirmations release once. The pending money becomes
    available after CLEARANCE_DAYS (`earnings_clear`). `expert`, `buyer` and `actor` are users or
    user ids; the three accounts are read in one query.
    """
    amount = _positive(amount)
    platform_fee = int(platform_fee)
    commission = commission_calculate(amount, commission_percent)
    # In the caller's transaction, the escrow (the one account debited) is locked by the statement
    # that finds the three accounts.
    in_transaction = not transaction.get_autocommit()
    escrow, pending, revenue = ledger.accounts(
        {"kind": Account.Kind.ORDER_ESCROW, "order_ref": int(order_ref)},
        {"kind": Account.Kind.USER_PENDING, "owner_id": getattr(expert, "pk", expert)},
        {"kind": Account.Kind.PLATFORM_REVENUE},
        lock_first=in_transaction,
    )
    return ledger.post_transfer(
        key=f"release:{order_ref}", kind=Transfer.Kind.RELEASE, order_ref=order_ref, actor=actor or buyer,
        legs=[(escrow, -(amount + platform_fee)), (pending, amount - commission), (revenue, commission + platform_fee)],
        locked=(escrow,) if in_transaction else (),
    )


def escrow_refund(*, order_ref: int, buyer, amount: int, n: int | str = 1, actor=None) -> Transfer:
    """Return `amount` of an order's escrow to the buyer's available wallet (key `refund:<order>:<n>`).

    `n` numbers the refunds of one order, so a second, deliberate refund gets its own key.
    """
    amount = _positive(amount)
    return ledger.post_transfer(
        key=f"refund:{order_ref}:{n}", kind=Transfer.Kind.REFUND, order_ref=order_ref, actor=actor,
        legs=[(ledger.escrow_account(order_ref), -amount), (ledger.user_account(buyer), amount)],
    )


def escrow_split(
    *, order_ref: int, buyer, expert, buyer_amount: int, expert_amount: int, platform_fee: int = 0, actor=None,
    commission_percent: int | None = None,
) -> Transfer:
    """Settle a dispute: part of the escrow back to the buyer, part to the expert (minus commission).

    Key `split:<order>`. Either part may be zero, not both.
    """
    buyer_amount, expert_amount, platform_fee = int(buyer_amount), int(expert_amount), int(platform_fee)
    if buyer_amount < 0 or expert_amount < 0 or buyer_amount + expert_amount <= 0:
        raise EscrowError(_("The amounts of a settlement must not be negative."), code="bad_split")
    commission = commission_calculate(expert_amount, commission_percent)
    return ledger.post_transfer(
        key=f"split:{order_ref}", kind=Transfer.Kind.SPLIT, order_ref=order_ref, actor=actor,
        legs=[
            (ledger.escrow_account(order_ref), -(buyer_amount + expert_amount + platform_fee)),
            (ledger.user_account(buyer), buyer_amount),
            (ledger.user_account(expert, Account.Kind.USER_PENDING), expert_amount - commission),
            (ledger.revenue_account(), commission + platform_fee),
        ],
    )


# --- Clearance -----------------------------------------------------------------------------------


def earnings_clear(*, now: dt.datetime | None = None) -> int:
    """Move every pending amount older than CLEARANCE_DAYS to its owner's available balance.

    Run by a beat task; idempotent (a rerun finds nothing left to clear). Returns the number of
    transfers posted.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.CLEARANCE_DAYS)
    accounts = (
        Account.objects.filter(kind=Account.Kind.USER_PENDING)
        .annotate(total=Sum("legs__amount"))
        .filter(total__gt=0)
        .values_list("pk", flat=True)
    )
    posted = 0
    for account_id in list(accounts):
        try:
            posted += _clear_account(account_id, cutoff)
        except Exception:
            # One bad row is logged and retried on the next run; the others still clear.
            logger.exception("clear pending: account %s failed; retried next run", account_id)
    return posted


def _clear_account(account_id: int, cutoff: dt.datetime) -> int:
    with transaction.atomic(durable=True):
        account = Account.objects.select_for_update().get(pk=account_id)
        legs = Leg.objects.filter(account=account)
        total = legs.aggregate(total=Sum("amount"))["total"] or 0
        recent = legs.filter(amount__gt=0, transfer__created_at__gt=cutoff).aggregate(
            total=Sum("amount"))["total"] or 0
        clearable = total - recent
        if clearable <= 0:
            return 0
        last = legs.filter(amount__gt=0, transfer__created_at__lte=cutoff).aggregate(last=Max("id"))["last"]
        transfer = ledger.post_transfer(
            key=f"clear:{account.pk}:{last}:{clearable}", kind=Transfer.Kind.CLEARANCE,
            legs=[(account, -clearable), (ledger.user_account(account.owner_id), clearable)],
        )
        return int(transfer.created)


# --- Withdrawals ---------------------------------------------------------------------------------


# A payout sent to the provider without a recorded result is asked about again after this long.
PAYOUT_RECHECK_AFTER = dt.timedelta(minutes=15)


def withdrawal_minimum() -> int:
    """The smallest withdrawal in Rials (WITHDRAWAL_MIN_TOMAN)."""
    return int(settings.WITHDRAWAL_MIN_TOMAN) * 10


@transaction.atomic(durable=True)
def payout_request(*, user, amount: int, sheba: str, idempotency_key: str | None = None) -> Payout:
    """Withdraw `amount` Rials from the user's available balance to their bank account (Sheba).

    The amount is reserved at once (available → payouts in flight, transfer `payout:<id>`); a beat
    task hands it to the payout provider (`payout_dispatch`), which confirms (`payout_mark_paid`,
    in flight → outside world) or fails (`payout_mark_failed`, back to the wallet). The form's
    `idempotency_key` makes a double submit return the first request. The wallet is locked, so
    concurrent requests never take it below zero (`InsufficientFunds`).
    """
    if idempotency_key:
        existing = Payout.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.user_id != user.pk:
                raise EscrowError(_("This request was already sent."), code="idempotency_conflict")
            return existing
    amount = _positive(amount)
    if amount < withdrawal_minimum():
        raise EscrowError(
            _("The smallest withdrawal is %(min)s.") % {"min": format_toman(withdrawal_minimum())},
            field="amount", code="below_minimum",
        )
    try:
        sheba = normalize_sheba(str(sheba or ""))
    except ValidationError as exc:
        raise EscrowError(exc.messages[0], field="sheba", code="bad_sheba") from None
    wallet = ledger.user_account(user)
    # Lock the wallet first: two requests with one key serialise here and the second finds the first.
    Account.objects.select_for_update().filter(pk=wallet.pk).first()
    if idempotency_key:
        existing = Payout.objects.filter(idempotency_key=idempotency_key, user=user).first()
        if existing is not None:
            return existing
    if ledger.balance(wallet) < amount:
        raise InsufficientFunds(_("Your available balance is less than this amount."), field="amount")
    payout = Payout.objects.create(user=user, amount=amount, sheba=sheba, idempotency_key=idempotency_key or None)
    ledger.post_transfer(
        key=f"payout:{payout.pk}", kind=Transfer.Kind.WITHDRAWAL, actor=user,
        legs=[(wallet, -amount), (ledger.user_account(user, Account.Kind.PAYOUTS_IN_FLIGHT), amount)],
    )
    return payout


def _payout_finish(payout_id: int, *, paid: bool, provider_ref: str, actor, reason: str = "") -> Payout:
    with transaction.atomic(durable=True):
        payout = Payout.objects.select_for_update().select_related("user").get(pk=payout_id)
        if not payout.is_open:
            return payout
        in_flight = ledger.user_account(payout.user_id, Account.Kind.PAYOUTS_IN_FLIGHT)
        target = ledger.outside_account() if paid else ledger.user_account(payout.user_id)
        ledger.post_transfer(
            key=f"payout-{'paid' if paid else 'failed'}:{payout.pk}", actor=actor,
            kind=Transfer.Kind.PAYOUT_DONE if paid else Transfer.Kind.PAYOUT_FAILED,
            legs=[(in_flight, -payout.amount), (target, payout.amount)],
        )
        payout.status = Payout.Status.PAID if paid else Payout.Status.FAILED
        payout.provider_ref = (provider_ref or "")[:64]
        payout.failure_reason = (reason or "")[:300]
        payout.decided_at = timezone.now()
        payout.save()
        _payout_notify(payout)
    return payout


def _payout_notify(payout: Payout) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    from notifications.api import notify
    from outbox.api import enqueue_email

    kind = "withdrawal_paid" if payout.status == Payout.Status.PAID else "withdrawal_failed"
    notify(payout.user, kind, url="/wallet/", amount=payout.amount)
    if not payout.user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"payout": payout, "user": payout.user, "site_url": settings.SITE_URL.rstrip("/")}
        subject = render_to_string("escrow/email/payout_subject.txt", context).strip()
        body = render_to_string("escrow/email/payout_body.txt", context)
    enqueue_email(subject=subject, body=body, to=[payout.user.email], dedupe_key=f"{kind}:{payout.pk}")


def payout_mark_paid(*, payout_id: int, provider_ref: str = "", actor=None) -> Payout:
    return _payout_finish(payout_id, paid=True, provider_ref=provider_ref, actor=actor)


def payout_mark_failed(*, payout_id: int, provider_ref: str = "", actor=None, reason: str = "") -> Payout:
    return _payout_finish(payout_id, paid=False, provider_ref=provider_ref, actor=actor, reason=reason)


def payout_dispatch(*, batch_size: int | None = None, provider=None) -> PayoutBatch | None:
    """Hand requested withdrawals to the payout provider as one batch (run by a beat task).

    The batch is formed in one short transaction (`SKIP LOCKED`, so two dispatchers never take the
    same payout); the provider is then called holding no lock. What the provider reports back is
    recorded payout by payout, each in its own transaction: a bad row is logged and left for staff
    or the next run, and the others go on. Returns the batch, or None when nothing was waiting.
    """
    from .payouts import get_payout_provider

    provider = provider or get_payout_provider()
    size = int(batch_size or settings.PAYOUT_BATCH_SIZE)
    # Results never recorded on an earlier run (a crash, a bad row): ask the provider again.
    stuck = list(Payout.objects.filter(
        status=Payout.Status.PROCESSING, batch__provider=provider.name,
        updated_at__lt=timezone.now() - PAYOUT_RECHECK_AFTER,
    ).order_by("id")[:size])
    if stuck:
        _payout_record(provider.check(stuck))
    with transaction.atomic(durable=True):
        rows = list(
            Payout.objects.select_for_update(skip_locked=True).filter(status=Payout.Status.REQUESTED)
            .order_by("id").values_list("pk", "amount")[:size]
        )
        if not rows:
            return None
        batch = PayoutBatch.objects.create(
            provider=provider.name, count=len(rows), total=sum(amount for _pk, amount in rows)
        )
        Payout.objects.filter(pk__in=[pk for pk, _a in rows]).update(
            status=Payout.Status.PROCESSING, batch=batch, updated_at=timezone.now()
        )
    _payout_record(provider.submit(batch))
    return batch


def _payout_record(results) -> None:
    for result in results:
        try:
            if result.paid:
                payout_mark_paid(payout_id=result.payout_id, provider_ref=result.reference)
            else:
                payout_mark_failed(payout_id=result.payout_id, provider_ref=result.reference, reason=result.reason)
        except Exception:
            logger.exception("payout %s: recording the provider's answer failed; left for the next run",
                             result.payout_id)
