"""The one interface every payment gateway implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escrow.models import Payment


@dataclass(frozen=True)
class StartResult:
    """What `Gateway.start` got from the bank: the payment's authority and where to send the payer."""

    authority: str
    redirect_url: str
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class VerifyResult:
    """The gateway's server-side answer about one payment.

    `status` is one of `paid`, `failed`, `cancelled`, `mismatch` (the bank took a different amount
    than we asked for) or `pending` (no definite answer yet: not decided, or the bank timed out;
    reconciliation asks again later). `ok` is true only for `paid`.
    """

    status: str
    ref_id: str = ""
    card_pan: str = ""
    code: str = ""
    raw: dict = field(default_factory=dict)

    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    MISMATCH = "mismatch"
    PENDING = "pending"

    @property
    def ok(self) -> bool:
        return self.status == self.PAID


class Gateway:
    """A payment gateway. Implementations make network calls: never call them holding a row lock."""

    name: str = ""

    def start(self, payment: Payment) -> StartResult:
        """Register `payment` with the bank; return its authority and the URL the payer is sent to.

        Raises `GatewayError` on a refusal and `GatewayUnavailable` on a timeout.
        """
        raise NotImplementedError

    def authenticate_callback(self, payment: Payment, params: dict) -> bool:
        """Cheap check that a callback really comes from the bank (e.g. a signature).

        A callback failing it changes nothing. Gateways without signed callbacks return True and
        rely on `verify` alone.
        """
        return True

    def verify(self, payment: Payment, params: dict | None = None) -> VerifyResult:
        """Ask the bank, server side, whether `payment.amount` (from our database) was paid.

        Idempotent: asking twice about a paid payment answers `paid` both times. `params` are the
        callback's query parameters, or None when reconciliation asks.
        """
        raise NotImplementedError

    def unverified_authorities(self) -> set[str] | None:
        """Authorities the bank holds as paid but not yet verified, or None if it can't say."""
        return None
