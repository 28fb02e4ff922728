"""Payout providers: who actually sends withdrawals to the users' banks.

One interface (`PayoutProvider.submit(batch)` → results it already knows), chosen by
`settings.PAYOUT_PROVIDER`:

- `manual` (production default): staff open the batch in the admin, export it as a CSV for the
  bank's group transfer (پایا) upload (`paya_csv`), and mark each payout paid or failed with the
  admin actions once the bank reports.
- `fake` (tests and development): pays every payout at once, except Shebas listed in
  `FakePayoutProvider.failing`, which fail.

The Paya CSV (UTF-8 with a byte-order mark so Excel shows Persian, one header row, comma
separated, Latin digits, amounts in Rials), one row per payout:

| column | content |
|---|---|
| `row` | 1, 2, 3 … |
| `iban` | destination Sheba, `IR` + 24 digits |
| `amount_rials` | amount in Rials, digits only |
| `owner_name` | account holder's name as on the profile |
| `description` | «برداشت آزمودگان» + payout id (shown on the receiver's statement) |
| `payment_id` | `AZ<payout id>`: our reference, matched when marking the row paid/failed |

Most Iranian banks' internet-bank group-transfer pages (e.g. Saman, Mellat, Pasargad) accept such a
sheet after mapping these columns onto their own template; the column order above is the common
one (destination Sheba, amount, name, description, payment id).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from .models import Payout, PayoutBatch

PAYA_COLUMNS = ["row", "iban", "amount_rials", "owner_name", "description", "payment_id"]


@dataclass(frozen=True)
class PayoutResult:
    payout_id: int
    paid: bool
    reference: str = ""
    reason: str = ""


class PayoutProvider:
    name = ""

    def submit(self, batch: PayoutBatch) -> Iterable[PayoutResult]:
        """Send the batch's payouts; yield the results known now (the rest are reported later)."""
        raise NotImplementedError

    def check(self, payouts: Iterable[Payout]) -> Iterable[PayoutResult]:
        """Ask again about payouts sent earlier whose result was never recorded (a crash, a bad row).

        Keyed by our reference `AZ<payout id>`, so asking twice never pays twice. The manual
        provider knows nothing: staff mark those rows in the admin.
        """
        return []


class ManualPayoutProvider(PayoutProvider):
    """Staff pay the batch through the bank's group transfer and mark rows in the admin."""

    name = "manual"

    def submit(self, batch: PayoutBatch) -> Iterable[PayoutResult]:
        return []


class FakePayoutProvider(PayoutProvider):
    """Pays everything at once except the Shebas in `failing` (a class-level set tests fill)."""

    name = "fake"
    failing: set[str] = set()

    def _result(self, payout: Payout) -> PayoutResult:
        if payout.sheba in self.failing:
            return PayoutResult(payout.pk, False, f"FAKE-{payout.pk}", "The bank refused this Sheba.")
        return PayoutResult(payout.pk, True, f"FAKE-{payout.pk}")

    def submit(self, batch: PayoutBatch) -> Iterable[PayoutResult]:
        for payout in batch.payouts.order_by("id"):
            yield self._result(payout)

    def check(self, payouts: Iterable[Payout]) -> Iterable[PayoutResult]:
        return [self._result(payout) for payout in payouts]


PROVIDERS = {"manual": ManualPayoutProvider, "fake": FakePayoutProvider}


def get_payout_provider(name: str | None = None) -> PayoutProvider:
    name = name or settings.PAYOUT_PROVIDER
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise ValueError(f"unknown payout provider {name!r}; known: {sorted(PROVIDERS)}") from None


def paya_csv(payouts: Iterable[Payout]) -> str:
    """The group-transfer sheet for `payouts` (see the module docstring for the columns)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PAYA_COLUMNS)
    for i, payout in enumerate(payouts, start=1):
        user = payout.user
        name = (user.get_full_name() or getattr(user, "display_name", "") or user.email or "").strip()
        writer.writerow([i, payout.sheba, payout.amount, name, f"برداشت آزمودگان {payout.pk}", f"AZ{payout.pk}"])
    return out.getvalue()
