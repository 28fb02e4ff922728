"""Reads of the money layer that pages share."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from azmoodegan.persian import to_persian_digits

from . import ledger
from .models import Account, Leg, Payout, Transfer

WALLET_PAGE_SIZE = 20


@dataclass
class WalletLine:
    leg: Leg
    label: str

    @property
    def amount(self) -> int:
        return self.leg.amount

    @property
    def abs_amount(self) -> int:
        return abs(self.leg.amount)

    @property
    def incoming(self) -> bool:
        return self.leg.amount > 0

    @property
    def created_at(self):
        return self.leg.transfer.created_at

    @property
    def bucket(self) -> str:
        return self.leg.account.kind


def wallet_line_label(leg: Leg) -> str:
    """What a ledger line means to the wallet's owner, in one short Persian phrase."""
    transfer, kind = leg.transfer, leg.account.kind
    order = transfer.order_ref
    if (get_language() or "").startswith("fa"):
        order = to_persian_digits(order)
    Kind = Transfer.Kind
    pending = kind == Account.Kind.USER_PENDING
    if transfer.kind == Kind.WALLET_PAYMENT:
        return _("Paid for order #%(order)s from your wallet") % {"order": order}
    if transfer.kind == Kind.RELEASE:
        return _("Earnings from order #%(order)s") % {"order": order}
    if transfer.kind == Kind.REFUND:
        return _("Refund for order #%(order)s") % {"order": order}
    if transfer.kind == Kind.SPLIT:
        return _("Dispute settlement for order #%(order)s") % {"order": order}
    if transfer.kind == Kind.CLEARANCE:
        return _("Cleared and moved to your available balance") if pending else _("Cleared earnings")
    if transfer.kind == Kind.WITHDRAWAL:
        return _("Withdrawal to your bank account")
    if transfer.kind == Kind.PAYOUT_DONE:
        return _("Withdrawal paid to your bank account")
    if transfer.kind == Kind.PAYOUT_FAILED:
        return _("Withdrawal returned to your wallet")
    if transfer.kind == Kind.PAYMENT:
        return _("Payment for order #%(order)s") % {"order": order}
    return str(transfer.get_kind_display())


def wallet_summary(user) -> dict[str, int]:
    """The user's available, pending and in-flight balances in Rials (one query)."""
    return ledger.user_balances(user)


def wallet_lines(user, *, page: int | str = 1) -> Page:
    """One page of the user's wallet lines (available and pending), newest first (two queries)."""
    legs = (
        Leg.objects.filter(
            account__owner=user, account__kind__in=[Account.Kind.USER_AVAILABLE, Account.Kind.USER_PENDING]
        )
        .select_related("transfer", "account")
        .order_by("-id")
    )
    paginator = Paginator(legs, WALLET_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    page_obj.object_list = [WalletLine(leg=leg, label=wallet_line_label(leg)) for leg in page_obj.object_list]
    return page_obj


WITHDRAWALS_SHOWN = 10


def wallet_withdrawals(user, *, limit: int = WITHDRAWALS_SHOWN) -> list[Payout]:
    """The user's latest withdrawals, newest first (one query)."""
    return list(Payout.objects.filter(user=user).order_by("-id")[:limit])
