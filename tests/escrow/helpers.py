"""Shortcuts for escrow tests: pay an order through the sandbox gateway as a buyer would."""

from urllib.parse import parse_qsl, urlsplit

from escrow import actions
from escrow.gateways.sandbox import callback_redirect, charge_decide

CALLBACK = "http://testserver/orders/payment/callback/"


def start(buyer, *, order_ref: int, amount: int):
    """`payment_start` through the sandbox; returns the payment."""
    payment, _url = actions.payment_start(
        order_ref=order_ref, buyer=buyer, amount=amount, callback_url=CALLBACK, description=f"سفارش {order_ref}"
    )
    return payment


def bank_decides(payment, *, pay: bool = True) -> dict:
    """The payer presses pay (or cancel) on the sandbox page; returns the callback's query parameters."""
    charge = charge_decide(authority=payment.authority, pay=pay)
    return dict(parse_qsl(urlsplit(callback_redirect(charge)).query))


def pay(buyer, *, order_ref: int, amount: int):
    """The whole journey: start, pay at the bank, come back, verify. Returns the verified payment."""
    payment = start(buyer, order_ref=order_ref, amount=amount)
    params = bank_decides(payment)
    return actions.payment_verify(gateway="sandbox", authority=payment.authority, callback_params=params)
