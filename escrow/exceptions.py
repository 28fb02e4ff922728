"""Errors of the money layer; every message is a Persian sentence through gettext."""

from django.utils.translation import gettext_lazy as _

from azmoodegan.exceptions import DomainError


class EscrowError(DomainError):
    """A rule about money was broken (the base of every error below)."""


class InsufficientFunds(EscrowError):
    def __init__(self, message=None, **kwargs):
        kwargs.setdefault("code", "insufficient_funds")
        super().__init__(message or _("There is not enough balance for this payment."), **kwargs)


class IdempotencyConflict(EscrowError):
    """The same idempotency key was posted before with different legs: a programming error."""

    def __init__(self, key: str):
        super().__init__(_("This money movement was already recorded differently."), code="idempotency_conflict")
        self.key = key


class PaymentNotFound(EscrowError):
    def __init__(self):
        super().__init__(_("This payment was not found."), code="payment_not_found")


class GatewayError(EscrowError):
    """The gateway refused a request (a definite answer: retrying the same request will not help)."""

    def __init__(self, message=None, *, code: str | None = None, raw: dict | None = None):
        super().__init__(message or _("The bank refused the payment request. Please try again later."), code=code)
        self.raw = raw or {}


class GatewayUnavailable(GatewayError):
    """The gateway did not answer in time or answered nonsense; the request may be retried."""

    def __init__(self, message=None, *, code: str | None = "unavailable", raw: dict | None = None):
        super().__init__(
            message or _("The bank is not answering right now. Please try again in a few minutes."), code=code,
            raw=raw,
        )
