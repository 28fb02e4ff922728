"""The built-in sandbox gateway: a bank-like page on our own site, the default in development and tests.

The "bank" keeps its state in `SandboxCharge`. The payer chooses pay or cancel on
`/pay/sandbox/<authority>/`; the page redirects to our callback with `Authority`, `Status`
(OK/NOK), `Amount` and `Signature` = HMAC-SHA256 over authority|status|amount with a key derived
from SECRET_KEY. `verify` reads the charge row, so only a payment the sandbox recorded as paid, for
exactly the amount in our database, is paid.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .base import Gateway, StartResult, VerifyResult

# A charge nobody paid or cancelled within this time is expired by verification.
EXPIRY = dt.timedelta(minutes=30)


def sign(authority: str, status: str, amount: int | str) -> str:
    """The signature the sandbox bank puts on its redirect back to us."""
    message = f"{authority}|{status}|{amount}"
    return salted_hmac("escrow.sandbox-gateway", message, algorithm="sha256").hexdigest()


def callback_redirect(charge) -> str:
    """Where the sandbox page sends the payer after they chose pay or cancel."""
    status = "OK" if charge.status == charge.Status.PAID else "NOK"
    params = {
        "Authority": charge.authority,
        "Status": status,
        "Amount": str(charge.amount),
        "Signature": sign(charge.authority, status, charge.amount),
    }
    parts = urlsplit(charge.callback_url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class SandboxGateway(Gateway):
    name = "sandbox"

    def start(self, payment) -> StartResult:
        from django.conf import settings

        from escrow.exceptions import GatewayError
        from escrow.models import SandboxCharge

        if settings.PAYMENT_GATEWAY != "sandbox":
            raise GatewayError(code="sandbox_off")
        authority = "S" + secrets.token_hex(16).upper()
        SandboxCharge.objects.create(
            authority=authority, amount=payment.amount, callback_url=payment.callback_url,
            description=payment.description,
        )
        url = reverse("escrow:sandbox_pay", args=[authority])
        return StartResult(authority=authority, redirect_url=url, raw={"authority": authority, "code": 100})

    def authenticate_callback(self, payment, params: dict) -> bool:
        authority = str(params.get("Authority", ""))
        status = str(params.get("Status", ""))
        amount = str(params.get("Amount", ""))
        signature = str(params.get("Signature", ""))
        if authority != payment.authority or status not in {"OK", "NOK"} or not signature:
            return False
        return hmac.compare_digest(sign(authority, status, amount), signature)

    def verify(self, payment, params: dict | None = None) -> VerifyResult:
        from escrow.models import SandboxCharge

        if params is not None and not self.authenticate_callback(payment, params):
            return VerifyResult(VerifyResult.PENDING, code="bad_signature", raw={"error": "bad signature"})
        with transaction.atomic():
            charge = SandboxCharge.objects.select_for_update().filter(authority=payment.authority).first()
            if charge is None:
                return VerifyResult(VerifyResult.FAILED, code="unknown_authority", raw={"code": -54})
            if charge.status == charge.Status.PENDING and timezone.now() - charge.created_at > EXPIRY:
                charge.status = charge.Status.EXPIRED
                charge.decided_at = timezone.now()
                charge.save(update_fields=["status", "decided_at"])
        raw = {"authority": charge.authority, "status": charge.status, "amount": charge.amount}
        if charge.status == charge.Status.PAID:
            if charge.amount != payment.amount:
                return VerifyResult(VerifyResult.MISMATCH, code="amount_mismatch", raw=raw)
            return VerifyResult(
                VerifyResult.PAID, ref_id=charge.ref_id, card_pan=charge.card_pan, code="100", raw=raw
            )
        if charge.status == charge.Status.CANCELLED:
            return VerifyResult(VerifyResult.CANCELLED, code="cancelled", raw=raw)
        if charge.status == charge.Status.EXPIRED:
            return VerifyResult(VerifyResult.FAILED, code="expired", raw=raw)
        return VerifyResult(VerifyResult.PENDING, code="not_paid_yet", raw=raw)


def charge_decide(*, authority: str, pay: bool):
    """The payer pressed pay or cancel on the sandbox page. Returns the charge (decided once)."""
    from escrow.models import SandboxCharge

    with transaction.atomic():
        charge = SandboxCharge.objects.select_for_update().get(authority=authority)
        if charge.status == charge.Status.PENDING:
            charge.status = charge.Status.PAID if pay else charge.Status.CANCELLED
            charge.decided_at = timezone.now()
            if pay:
                charge.ref_id = str(secrets.randbelow(9 * 10**9) + 10**9)
                charge.card_pan = "603799******" + f"{secrets.randbelow(10000):04d}"
            charge.save()
    return charge

