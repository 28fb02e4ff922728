"""Zarinpal REST v4: request.json, the StartPay redirect, verify.json and unVerified.json.

Amounts are sent in Rials with `"currency": "IRR"` given explicitly. Every answer is JSON of the
shape `{"data": {...}, "errors": {...}}`: on success `data.code` is 100 (101 on verify means
"already verified", also a success); on failure `errors.code` is negative (-9 validation, -10/-11
merchant or terminal, -12 too many attempts, -50 amount differs, -51 not paid, -54 bad authority).

The base URL is `settings.ZARINPAL_BASE_URL` when set (tests point it at a local fake server),
otherwise the sandbox or production host per `settings.ZARINPAL_SANDBOX`.
"""

from __future__ import annotations

import logging

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from escrow.exceptions import GatewayError, GatewayUnavailable

from .base import Gateway, StartResult, VerifyResult

logger = logging.getLogger(__name__)

PRODUCTION_API = "https://api.zarinpal.com"
SANDBOX_API = "https://sandbox.zarinpal.com"
PRODUCTION_STARTPAY = "https://www.zarinpal.com/pg/StartPay/"
SANDBOX_STARTPAY = "https://sandbox.zarinpal.com/pg/StartPay/"

# errors.code on verify → our payment status.
VERIFY_CODES = {
    -50: VerifyResult.MISMATCH,  # the amount paid differs from the amount we verify
    -51: VerifyResult.FAILED,  # not paid (cancelled or failed at the bank)
    -52: VerifyResult.PENDING,  # unexpected error at Zarinpal: ask again later
    -53: VerifyResult.FAILED,  # the session belongs to another merchant
    -54: VerifyResult.FAILED,  # invalid authority
    -12: VerifyResult.PENDING,  # too many attempts: ask again later
}

REQUEST_MESSAGES = {
    -9: _("The bank did not accept the payment details."),
    -10: _("The site's merchant account is not set up correctly. Please tell support."),
    -11: _("The site's merchant account is not active. Please tell support."),
    -12: _("The bank is busy. Please try again in a few minutes."),
}


class ZarinpalGateway(Gateway):
    name = "zarinpal"

    def __init__(self, *, merchant_id: str | None = None, base_url: str | None = None,
                 startpay_url: str | None = None, sandbox: bool | None = None, timeout: float | None = None):
        sandbox = settings.ZARINPAL_SANDBOX if sandbox is None else sandbox
        self.merchant_id = merchant_id or settings.ZARINPAL_MERCHANT_ID
        self.base_url = (base_url or getattr(settings, "ZARINPAL_BASE_URL", "")
                         or (SANDBOX_API if sandbox else PRODUCTION_API)).rstrip("/")
        self.startpay_url = (startpay_url or getattr(settings, "ZARINPAL_STARTPAY_URL", "")
                             or (SANDBOX_STARTPAY if sandbox else PRODUCTION_STARTPAY))
        self.timeout = timeout if timeout is not None else getattr(settings, "ZARINPAL_TIMEOUT", 10)

    # --- transport ----------------------------------------------------------------------------

    def _post(self, path: str, payload: dict) -> dict:
        url = f"{self.base_url}/pg/v4/payment/{path}"
        try:
            response = httpx.post(
                url, json=payload, timeout=self.timeout,
                headers={"Accept": "application/json", "User-Agent": "Azmoodegan ZarinPal Rest Api v4"},
            )
        except httpx.TimeoutException as exc:
            logger.warning("zarinpal %s timed out: %s", path, exc)
            raise GatewayUnavailable(code="timeout", raw={"error": "timeout"}) from exc
        except httpx.HTTPError as exc:
            logger.warning("zarinpal %s failed: %s", path, exc)
            raise GatewayUnavailable(raw={"error": str(exc)}) from exc
        if response.status_code >= 500:
            raise GatewayUnavailable(code=f"http_{response.status_code}", raw={"http": response.status_code})
        try:
            body = response.json()
        except ValueError as exc:
            raise GatewayUnavailable(code="bad_json", raw={"http": response.status_code}) from exc
        if not isinstance(body, dict):
            raise GatewayUnavailable(code="bad_json", raw={"body": body})
        return body

    @staticmethod
    def _data(body: dict) -> dict:
        data = body.get("data")
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _error_code(body: dict) -> int | None:
        errors = body.get("errors")
        if isinstance(errors, dict) and "code" in errors:
            try:
                return int(errors["code"])
            except (TypeError, ValueError):
                return None
        return None

    # --- interface ----------------------------------------------------------------------------

    def start(self, payment) -> StartResult:
        metadata = {"order_id": str(payment.order_ref)}
        email = getattr(payment.buyer, "email", "")
        if email:
            metadata["email"] = email
        body = self._post("request.json", {
            "merchant_id": self.merchant_id,
            "amount": int(payment.amount),
            "currency": "IRR",
            "callback_url": payment.callback_url,
            "description": payment.description or f"Order {payment.order_ref}",
            "metadata": metadata,
        })
        data = self._data(body)
        if data.get("code") == 100 and data.get("authority"):
            authority = str(data["authority"])
            return StartResult(authority=authority, redirect_url=f"{self.startpay_url}{authority}", raw=body)
        code = self._error_code(body)
        logger.warning("zarinpal request refused for payment %s: %s", payment.pk, body)
        raise GatewayError(REQUEST_MESSAGES.get(code), code=str(code), raw=body)

    def verify(self, payment, params: dict | None = None) -> VerifyResult:
        try:
            body = self._post("verify.json", {
                "merchant_id": self.merchant_id,
                "amount": int(payment.amount),  # from our database, never from the callback
                "authority": payment.authority,
            })
        except GatewayUnavailable as exc:
            return VerifyResult(VerifyResult.PENDING, code=exc.code or "unavailable", raw=exc.raw)
        data = self._data(body)
        code = data.get("code")
        if code in (100, 101):
            return VerifyResult(
                VerifyResult.PAID, ref_id=str(data.get("ref_id", "")), card_pan=str(data.get("card_pan", "")),
                code=str(code), raw=body,
            )
        error = self._error_code(body)
        status = VERIFY_CODES.get(error, VerifyResult.FAILED)
        if status == VerifyResult.FAILED and params and params.get("Status") == "NOK":
            status = VerifyResult.CANCELLED
        return VerifyResult(status, code=str(error if error is not None else code), raw=body)

    def unverified_authorities(self) -> set[str] | None:
        try:
            body = self._post("unVerified.json", {"merchant_id": self.merchant_id})
        except GatewayUnavailable:
            return None
        data = self._data(body)
        if data.get("code") != 100:
            return None
        return {str(item.get("authority")) for item in data.get("authorities") or [] if isinstance(item, dict)}
